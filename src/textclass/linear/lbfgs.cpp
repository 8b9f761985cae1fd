#include "textclass/linear/lbfgs.hpp"

#include <algorithm>
#include <cmath>

namespace textclass::linear {
namespace {

// The vector operations stay serial: on a few hundred thousand doubles they take well under a
// millisecond, less than waking OpenMP threads costs on a busy machine.
// Four running sums: one would wait on each addition's latency, and without -ffast-math the
// compiler may not reorder the sum itself.
double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sums[4] = {0, 0, 0, 0};
  const std::size_t n = a.size(), blocked = n - n % 4;
  for (std::size_t i = 0; i < blocked; i += 4) {
    for (std::size_t k = 0; k < 4; ++k) sums[k] += a[i + k] * b[i + k];
  }
  for (std::size_t i = blocked; i < n; ++i) sums[0] += a[i] * b[i];
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

// y += alpha * x
void axpy(double alpha, const std::vector<double>& x, std::vector<double>& y) {
  for (std::size_t i = 0; i < x.size(); ++i) y[i] += alpha * x[i];
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double e : v) m = std::max(m, std::abs(e));
  return m;
}

// The newest `memory` pairs s = x_{k+1} - x_k, y = g_{k+1} - g_k, in a ring allocated once.
class History {
 public:
  History(int memory, std::size_t n) : s_(memory, std::vector<double>(n)), y_(memory, std::vector<double>(n)), rho_(memory) {}

  std::size_t size() const { return size_; }
  void clear() { size_ = 0; }
  // Pair j, 0 the oldest.
  const std::vector<double>& s(std::size_t j) const { return s_[slot(j)]; }
  const std::vector<double>& y(std::size_t j) const { return y_[slot(j)]; }
  double rho(std::size_t j) const { return rho_[slot(j)]; }  // 1 / (y . s)

  // Adds the step from (x, g) to (x_new, g_new) unless rounding made y . s too small to keep the
  // estimate positive definite (convexity promises y . s > 0).
  void add(const std::vector<double>& x, const std::vector<double>& x_new, const std::vector<double>& g,
           const std::vector<double>& g_new) {
    const std::size_t target = (first_ + size_) % s_.size();
    std::vector<double>& s = s_[target];
    std::vector<double>& y = y_[target];
    double ys = 0, yy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      s[i] = x_new[i] - x[i];
      y[i] = g_new[i] - g[i];
      ys += y[i] * s[i];
      yy += y[i] * y[i];
    }
    if (ys <= DBL_EPSILON * yy) return;
    rho_[target] = 1.0 / ys;
    if (size_ < s_.size()) {
      ++size_;
    } else {
      first_ = (first_ + 1) % s_.size();
    }
  }

 private:
  std::size_t slot(std::size_t j) const { return (first_ + j) % s_.size(); }
  std::vector<std::vector<double>> s_, y_;
  std::vector<double> rho_;
  std::size_t first_ = 0, size_ = 0;
};

// The two-loop recursion: direction = -H g, with H the L-BFGS inverse-Hessian estimate built on
// gamma * diag(h).
void search_direction(const History& history, const std::vector<double>& h, const std::vector<double>& gradient,
                      std::vector<double>& alpha, std::vector<double>& direction) {
  direction = gradient;
  for (std::size_t j = history.size(); j-- > 0;) {
    alpha[j] = history.rho(j) * dot(history.s(j), direction);
    axpy(-alpha[j], history.y(j), direction);
  }
  double gamma = 1.0;
  if (history.size() > 0) {
    const std::vector<double>& y = history.y(history.size() - 1);
    double yhy = 0;
    for (std::size_t i = 0; i < y.size(); ++i) yhy += y[i] * h[i] * y[i];
    gamma = 1.0 / (history.rho(history.size() - 1) * yhy);
  }
  for (std::size_t i = 0; i < direction.size(); ++i) direction[i] *= gamma * h[i];
  for (std::size_t j = 0; j < history.size(); ++j) {
    const double beta = history.rho(j) * dot(history.y(j), direction);
    axpy(alpha[j] - beta, history.s(j), direction);
  }
  for (double& e : direction) e = -e;
}

}  // namespace

LbfgsResult minimize_lbfgs(const Objective& objective, std::vector<double>& x, const LbfgsOptions& options) {
  constexpr double armijo = 1e-4;  // sufficient decrease: f(x + t d) <= f(x) + armijo * t * (g . d)
  const std::size_t n = x.size();
  std::vector<double> gradient(n), direction(n), trial_x(n), trial_gradient(n);
  std::vector<double> alpha(static_cast<std::size_t>(options.memory));
  const std::vector<double> h = options.preconditioner.empty() ? std::vector<double>(n, 1.0) : options.preconditioner;
  History history(options.memory, n);
  LbfgsResult result;
  result.value = objective(x, gradient);
  result.gradient_max = max_abs(gradient);

  while (result.gradient_max > options.gradient_tolerance) {
    if (result.iterations == options.max_iterations) return result;
    ++result.iterations;
    search_direction(history, h, gradient, alpha, direction);
    double slope = dot(gradient, direction);
    if (slope >= 0) {  // not a descent direction (rounding): restart from steepest descent
      history.clear();
      search_direction(history, h, gradient, alpha, direction);
      slope = dot(gradient, direction);
    }
    // Without curvature information yet, the first step has length 1 in the variables u, as scipy's.
    double step = history.size() == 0 ? 1.0 / std::sqrt(-slope) : 1.0;
    double trial_value = 0;
    for (int tries = 0;; ++tries) {
      if (tries == options.max_line_search_steps) return result;
      for (std::size_t i = 0; i < n; ++i) trial_x[i] = x[i] + step * direction[i];
      trial_value = objective(trial_x, trial_gradient);
      if (std::isfinite(trial_value) && trial_value <= result.value + armijo * step * slope) break;
      // The minimiser of the quadratic through f(0), f'(0) and f(step), kept within [0.1, 0.5] step.
      const double quadratic = -slope * step * step / (2 * (trial_value - result.value - slope * step));
      step = std::isfinite(quadratic) ? std::clamp(quadratic, 0.1 * step, 0.5 * step) : 0.5 * step;
    }

    history.add(x, trial_x, gradient, trial_gradient);
    const double decrease = result.value - trial_value;
    const double scale = std::max({std::abs(result.value), std::abs(trial_value), 1.0});
    x.swap(trial_x);
    gradient.swap(trial_gradient);
    result.value = trial_value;
    result.gradient_max = max_abs(gradient);
    if (decrease <= options.relative_decrease * scale) break;
  }
  result.converged = true;
  return result;
}

}  // namespace textclass::linear
