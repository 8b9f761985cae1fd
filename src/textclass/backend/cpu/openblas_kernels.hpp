#pragma once
// OpenBLAS's DYNAMIC_ARCH builds pick their kernels once, as the library loads, from the CPU's model
// number. A release older than the CPU does not know the model and falls back to "Prescott", its
// SSE3 kernels: Debian 12's OpenBLAS 0.3.21 on an Emerald Rapids Xeon (family 6, model 207) runs
// sgemm at a fifth of the speed its SkylakeX (AVX-512) kernels reach there. OPENBLAS_CORETYPE
// overrides the choice, but only when set before the library loads.

namespace textclass::backend::cpu {

// If OpenBLAS fell back to Prescott on a CPU with AVX2 and FMA (or AVX-512), re-runs its kernel
// selection as if OPENBLAS_CORETYPE named the best core those features allow. Leaves alone a choice
// the user made with OPENBLAS_CORETYPE and a build without runtime kernel selection. Call before
// the first BLAS call of the process (make_cpu_backend does); later calls do nothing.
void use_best_openblas_kernels();

}  // namespace textclass::backend::cpu
