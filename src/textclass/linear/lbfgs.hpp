#pragma once
// Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, algorithms 7.4 and 7.5) for a
// smooth unconstrained objective, with a backtracking Armijo line search and an optional diagonal
// preconditioner: the initial inverse-Hessian estimate of each iteration is gamma * diag(h) with
// gamma = (s . y) / (y . diag(h) y) of the newest pair (h = 1: the textbook choice). That is plain
// L-BFGS on the variables u = diag(h)^(-1/2) x, so it converges as before, but in far fewer
// iterations when h follows the Hessian's diagonal on a badly scaled problem. It stops as scipy's
// L-BFGS-B does under sklearn's settings: when max_j |g_j| <= gradient_tolerance (sklearn's tol),
// or when an iteration lowers f by no more than relative_decrease * max(|f|, |f_new|, 1)
// (sklearn passes ftol = 64 * machine epsilon).
#include <cfloat>
#include <functional>
#include <cstddef>
#include <vector>

namespace textclass::linear {

struct LbfgsOptions {
  int max_iterations = 2000;
  int memory = 10;  // the (s, y) pairs kept; scipy's maxcor default
  double gradient_tolerance = 1e-4;
  double relative_decrease = 64 * DBL_EPSILON;
  int max_line_search_steps = 50;  // scipy's maxls, as sklearn sets it
  std::vector<double> preconditioner;  // h above, positive, one per variable; empty: all 1
};

struct LbfgsResult {
  int iterations = 0;
  bool converged = false;  // false: max_iterations reached, or the line search found no decrease
  double value = 0;
  double gradient_max = 0;  // max_j |g_j| at the end
};

// Returns f(x) and fills `gradient` (resizing it to x.size()).
using Objective = std::function<double(const std::vector<double>& x, std::vector<double>& gradient)>;

// Minimises `objective` from `x`, leaving the minimiser in `x`.
LbfgsResult minimize_lbfgs(const Objective& objective, std::vector<double>& x, const LbfgsOptions& options = {});

}  // namespace textclass::linear
