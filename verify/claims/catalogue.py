"""Every claim of THEORY.md: id, statement (plain and LaTeX), provenance, expectation.

Checks live in the sibling modules; this module only says what is claimed.
Provenance: "derived here" for facts the suite derives itself, "seed paper" for
the focal-loss paper's results, "log-loss literature" for the known γ = 0
results, "summary" for statements a public summary attributes to the paper, and
"related literature" for follow-up work.
"""

from __future__ import annotations

from focalrd.verify.registry import define

# §2 Shape of φ_γ -----------------------------------------------------------------
define("phi.reduces-to-log", section="2",
       statement="phi_0(p) = ln(1/p): at gamma = 0 the focal loss is the log loss.",
       latex=r"\varphi_0(p) = \ln\frac{1}{p}")
define("phi.decreasing", section="2",
       statement="phi_gamma'(p) = -(1-p)^(gamma-1) (gamma u + s) < 0 on (0,1); "
                 "phi_gamma(1) = 0 and phi_gamma(0+) = +infinity.",
       latex=r"\varphi_\gamma'(p) = -(1-p)^{\gamma-1}(\gamma u + s) < 0,\ "
             r"\varphi_\gamma(1)=0,\ \varphi_\gamma(0^+)=+\infty")
define("phi.convex", section="2",
       statement="phi_gamma''(p) = (1-p)^(gamma-2) (gamma(gamma-1)u + 2 gamma s + s^2) > 0: "
                 "phi_gamma is strictly convex on (0,1) for every gamma >= 0.",
       latex=r"\varphi''_\gamma(p) = (1-p)^{\gamma-2}\bigl(\gamma(\gamma-1)u + 2\gamma s + s^2"
             r"\bigr) > 0")
define("phi.monotone-in-gamma", section="2",
       statement="For fixed p in (0,1), phi_gamma(p) is strictly decreasing in gamma.",
       latex=r"\gamma \mapsto \varphi_\gamma(p) \text{ strictly decreasing for } p\in(0,1)")
define("phi.gap", section="2",
       statement="0 <= ln(1/p) - phi_gamma(p) = (1-(1-p)^gamma) ln(1/p) <= c_gamma, with "
                 "c_gamma = sup_p (1-(1-p)^gamma) ln(1/p) finite.",
       latex=r"0 \le \ln\tfrac1p - \varphi_\gamma(p) = (1-(1-p)^\gamma)\ln\tfrac1p \le c_\gamma")
define("c-gamma.values", section="2",
       statement="c_0 = 0 and c_1 = 1/e; for other gamma, c_gamma is the value at the root "
                 "of the stationarity equation; c_gamma increases with gamma and grows like "
                 "ln gamma.",
       latex=r"c_0 = 0,\quad c_1 = e^{-1},\quad c_\gamma \uparrow,\ c_\gamma \sim \ln\gamma")

# §3 The inverse and the tilted information -----------------------------------------
define("tau.inverse", section="3",
       statement="For every d >= 0 there is a unique tau_gamma(d) in (0,1] with "
                 "phi_gamma(tau_gamma(d)) = d.",
       latex=r"\forall d\ge 0\ \exists!\,\tau_\gamma(d)\in(0,1]:\ "
             r"\varphi_\gamma(\tau_\gamma(d)) = d")
define("tau.bracket", section="3",
       statement="exp(-d - c_gamma) <= tau_gamma(d) <= exp(-d), i.e. "
                 "d <= ln(1/tau_gamma(d)) <= d + c_gamma.",
       latex=r"e^{-d-c_\gamma} \le \tau_\gamma(d) \le e^{-d}")
define("tau.expansion", section="3",
       statement="t = ln(1/tau_gamma(d)) solves t = d (1 - e^(-t))^(-gamma), so "
                 "t = d + gamma d e^(-d) + O(d^2 e^(-2d)) as d -> infinity.",
       latex=r"t = d + \gamma d e^{-d} + O(d^2 e^{-2d})")
define("tilted.reduces-to-log", section="3",
       statement="At gamma = 0 the focal tilted information is i_X(x) - d, the d-tilted "
                 "information of the log loss.",
       latex=r"\jmath_0(x,d) = \imath_X(x) - d")

# §4 One shot, excess distortion ----------------------------------------------------
define("excess.exact", section="4", provenance="seed paper",
       statement="Unweighted: eps*_gamma(M, d) = 1 - (sum of the M L largest probabilities), "
                 "L = floor(1/tau_gamma(d)).",
       latex=r"\epsilon^*_\gamma(M,d) = 1 - \sum_{i\le ML} p_{(i)},\quad "
             r"L = \lfloor 1/\tau_\gamma(d)\rfloor")
define("excess.log-loss", section="4", provenance="log-loss literature",
       statement="At gamma = 0, L = floor(e^d): the known exact excess-distortion result "
                 "for the log loss.",
       latex=r"\epsilon^*_0(M,d) = 1 - \sum_{i\le M\lfloor e^d\rfloor} p_{(i)}")
define("excess.tilted-bounds", section="4", provenance="seed paper",
       statement="For every beta > 0: P[j(X,d) >= ln M + beta] - e^(-beta) <= eps*_gamma(M,d) "
                 "<= P[j(X,d) > ln M + ln(tau_gamma(d) L)].",
       latex=r"P[\jmath_\gamma(X,d)\ge\ln M+\beta]-e^{-\beta} \le \epsilon^*_\gamma(M,d) \le "
             r"P[\jmath_\gamma(X,d) > \ln M + \ln(\tau_\gamma(d)L)]")
define("excess.weighted", section="4", provenance="seed paper",
       statement="Weighted excess distortion is a bin packing (item x: size tau_gamma(d/w(x)), "
                 "value P(x); M unit bins); the fractional relaxation is a converse and "
                 "first-fit-decreasing an achievability.",
       latex=r"\epsilon^*_\gamma = 1 - \max\{P_X(S): S \text{ packs into } M "
             r"\text{ unit bins with sizes } \tau_\gamma(d/\omega(x))\}")

# §5 One shot, average distortion ----------------------------------------------------
define("avg.weight-absorption", section="5", provenance="seed paper",
       statement="E_P[w(X) phi_gamma(Phat(X))] = E_R[phi_gamma(Phat(X))]: the weighted problem "
                 "for P_X is the unweighted problem for R_X.",
       latex=r"\mathbb E_{P_X}[\omega(X)\varphi_\gamma(\hat P(X))] = "
             r"\mathbb E_{R_X}[\varphi_\gamma(\hat P(X))]")
define("focal-entropy.unique", section="5", provenance="seed paper",
       statement="The focal entropy F_gamma(a) = min_q sum_x a_x phi_gamma(q_x) has a unique, "
                 "full-support minimiser with a_x |phi_gamma'(q_x)| = lambda; at gamma = 0, "
                 "q = a / sum a.",
       latex=r"F_\gamma(a) = \min_q \sum_x a_x\varphi_\gamma(q_x),\quad "
             r"a_x|\varphi_\gamma'(q_x^*)| = \lambda")
define("avg.exact", section="5", provenance="seed paper",
       statement="D*_gamma(M) = min over partitions into at most M cells of the sum of the focal "
                 "entropies of R_X on the cells; at gamma = 0 this is H(R_X) - max_f H(f(X)).",
       latex=r"D^*_\gamma(M) = \min_{\{A_m\}} \sum_m F_\gamma(R_X|_{A_m})")
define("avg.sandwich", section="5", provenance="seed paper",
       statement="max(0, H(R) - ln M - c_gamma, D*_0(M) - c_gamma) <= D*_gamma(M) <= D*_0(M); "
                 "uniform-decoder and round-robin achievability bounds.",
       latex=r"\max(0, H(R_X)-\ln M-c_\gamma, D^*_0(M)-c_\gamma) \le D^*_\gamma(M) \le "
             r"D^*_0(M)")

# §6 Blocks of n symbols ---------------------------------------------------------------
define("n.excess-exact", section="6", provenance="seed paper",
       statement="eps*_gamma(n, M, D) = 1 - (mass of the M floor(1/tau_gamma(nD)) most likely "
                 "sequences), summed by type classes.",
       latex=r"\epsilon^*_\gamma(n,M,D) = 1 - P^n(\text{top } M\lfloor 1/\tau_\gamma(nD)\rfloor"
             r"\text{ sequences})")
define("n.dstar-closed-form", section="6", provenance="seed paper",
       statement="D*_gamma(n, M, eps) = phi_gamma(1/L*)/n with K* the least number of most likely "
                 "sequences of mass >= 1 - eps and L* = ceil(K*/M), independent of gamma.",
       latex=r"D^*_\gamma(n,M,\epsilon) = \tfrac1n\varphi_\gamma(1/L^*),\ "
             r"L^* = \lceil K^*/M\rceil")
define("n.excess-sandwich", section="6", provenance="seed paper",
       statement="D*_0 - c_gamma/n <= D*_gamma <= D*_0 and "
                 "eps*_0(n, M, D + c_gamma/n) <= eps*_gamma(n, M, D) <= eps*_0(n, M, D).",
       latex=r"D^*_0 - \tfrac{c_\gamma}{n} \le D^*_\gamma \le D^*_0")
define("n.second-order", section="6", provenance="log-loss literature",
       statement="D*_gamma(n, R, eps) = H - R + sqrt(V/n) Qinv(eps) - ln(n)/(2n) + O(1/n) for "
                 "every gamma >= 0.",
       latex=r"D^*_\gamma(n,R,\epsilon) = H - R + \sqrt{V/n}\,Q^{-1}(\epsilon) - "
             r"\frac{\ln n}{2n} + O(1/n)")
define("n.avg-sandwich", section="6", provenance="seed paper",
       statement="max(0, H(R) - ln(M)/n - c_gamma/n) <= D*_gamma(n, M) <= typical-set "
                 "round-robin achievability, minimised over the threshold.",
       latex=r"\max(0, H(R_X) - \tfrac{\ln M}{n} - \tfrac{c_\gamma}{n}) \le D^*_\gamma(n,M)")
define("asymptotic.equivalence", section="6", provenance="seed paper",
       statement="For every gamma >= 0, weighting and rate R: lim_n D*_gamma(n, R) = "
                 "max(H(R_X) - R, 0) (average) and lim_n D*_gamma(n, R, eps) = max(H - R, 0) "
                 "(excess, every eps in (0,1)): the log-loss distortion-rate function.",
       latex=r"\lim_{n\to\infty} D^*_\gamma(n,R) = \max(H(R_X)-R, 0)")
define("n.saddlepoint", section="6",
       statement="The saddlepoint approximation of the block limits (Lugannani-Rice tails of "
                 "the information density, Daniels' lattice form where the log-probabilities "
                 "are commensurable) errs by a relative O(1/n) in the tails, with constant 1: "
                 "for n >= 100 and eps in [1/100, 9/10], |ln K*_sp - ln K*| <= 1/n and "
                 "|eps*_sp - eps*| <= eps*/n, so |D*_sp - D*_gamma| <= Lambda_gamma/n^2 "
                 "(Lambda_gamma the slope bound of phi_gamma(1/L) in ln L).",
       latex=r"|\ln \hat K^* - \ln K^*| \le \tfrac1n,\quad "
             r"|\hat\epsilon^* - \epsilon^*| \le \tfrac{\epsilon^*}{n}\quad (n \ge 100)",
       notes="An approximation, not a bound: the statement gives its accuracy. Outside n >= 100 "
             "it can fail badly: for P = (9/10, 1/10), n = 30, eps = 9/10 the crossing class "
             "is the second most likely one and ln K*_sp is off by 31 nats; for the ternary "
             "(1/2, 3/10, 1/5) at n = 30, eps* = 1/100 comes out as 0.02.")
define("n.simulation", section="6",
       statement="Monte Carlo of the optimal list code gives an excess-distortion frequency "
                 "whose confidence interval contains eps*.",
       latex=r"\epsilon^* \in \mathrm{CI}_{\mathrm{Clopper\text{-}Pearson}}")

# The command-line layer ---------------------------------------------------------------
define("eval.bits-and-weights",
       statement="focalrd eval prints the library's values: with --bits every information or "
                 "distortion it prints is the nats value divided by ln 2 (the dispersion by "
                 "ln^2 2), a distortion given in bits is D ln 2 nats and a rate in bits gives "
                 "M = floor(2^(nR)); with --weights Q and n > 1 the average-distortion bounds "
                 "and value are those of the unweighted problem for R_X = P_X omega.",
       latex=r"v_{\mathrm{bits}} = v_{\mathrm{nats}}/\ln 2,\quad "
             r"D_{\mathrm{nats}} = D_{\mathrm{bits}}\ln 2,\quad M = \lfloor 2^{nR}\rfloor")

# §7 Claims reported by a public summary ------------------------------------------------
define("summary.hgamma-monotone", section="7", provenance="summary", expected="fails",
       refuted_by=("monotone_symbolic", "monotone_sampled"),
       statement="H_gamma(P) = log sum_x P(x)(1-P(x))^gamma is non-decreasing in gamma.",
       latex=r"\gamma\mapsto H_\gamma(P) = \log\sum_x P(x)(1-P(x))^\gamma "
             r"\text{ non-decreasing}",
       notes="Fails: each term P(x)(1-P(x))^gamma shrinks as gamma grows, so H_gamma strictly "
             "decreases in gamma for every P that is not a point mass. Smallest counterexample: "
             "P = (1/2, 1/2), where H_gamma = -gamma ln 2. It holds under the opposite sign "
             "convention, -log sum_x P(x)(1-P(x))^gamma, which is non-decreasing.")
define("summary.hgamma-nonnegative", section="7", provenance="summary", expected="fails",
       refuted_by=("nonnegative_symbolic", "nonnegative_sampled"),
       statement="H_gamma(P) = log sum_x P(x)(1-P(x))^gamma is non-negative.",
       latex=r"H_\gamma(P) \ge 0",
       notes="Fails: the sum is at most sum_x P(x) = 1, with equality only at gamma = 0, so "
             "H_gamma(P) < 0 for every gamma > 0 (and -infinity for a point mass). Smallest "
             "counterexample: P = (1/2, 1/2), gamma = 1, H = -ln 2. It holds under the opposite "
             "sign. No single reading makes all three summary statements true: the opposite "
             "sign rescues this one and the monotonicity, but turns the maximum formula into "
             "+infinity = +infinity (attained at point masses); the normalised -(1/gamma) log "
             "version is non-negative but non-increasing.")
define("summary.hgamma-max", section="7", provenance="summary", expected="holds",
       statement="h_gamma(k) = max_P H_gamma(P) equals max over d in [1:k-1] and q in [0,1] of "
                 "log((1-q) q^gamma + d (q/d)(1-q/d)^gamma).",
       latex=r"h_\gamma(k) = \max_{d\in[1:k-1]}\max_{q\in[0,1]} "
             r"\log\bigl((1-q)q^\gamma + d\,\tfrac qd(1-\tfrac qd)^\gamma\bigr)",
       notes="Holds for every k >= 2 (for k = 1 the range of d is empty). The formula's family "
             "puts 1 - q on one symbol and q/d on d symbols, d + 1 <= k symbols in all, so "
             "every member is a distribution on k symbols; the true maximiser is the d = k - 1 "
             "member (full support, at most one symbol above 2/(gamma+1)), so the maximum over "
             "d is always attained at d = k - 1 and smaller d never matter. Checked against a "
             "global search over the simplex for k = 2..8, gamma up to 50, and certified by "
             "interval branch and bound for k <= 4. The maximiser is uniform for small gamma "
             "(always for gamma <= 1) and becomes one large symbol plus k - 1 equal small ones "
             "for large gamma.")

# §8 Focal entropy in the related literature --------------------------------------------
define("focal-entropy.structure", section="8", provenance="related literature",
       expected="fails", refuted_by=("phrases", "extreme_imbalance"),
       statement="The focal-entropy minimiser exists, is unique, can differ markedly from P, "
                 "amplifies mid-range probabilities, suppresses the largest, and under extreme "
                 "imbalance further suppresses very small ones.",
       latex=r"q^* = \arg\min_q \sum_x P(x)\varphi_\gamma(q_x) \text{ vs. } P",
       notes="Made precise with q* the minimiser and the ratio q*_x/P_x = psi(q*_x)/lambda, "
             "psi(q) = q|phi_gamma'(q)| (rises from 1 at q = 0, then falls to 0). Exists and "
             "unique: holds. Differs markedly (some probability changes by a factor >= 2): "
             "holds for some P, e.g. P = (99/100, 1/100) at gamma = 2 gives q* = (0.846, 0.154). "
             "Amplifies mid-range (the symbols with q*_x > P_x form one band of consecutive "
             "ranks): always holds; but the band often includes the smallest symbol, so "
             "'neither extreme amplified' holds only sometimes. Suppresses the largest "
             "(q*_max < P_max): fails when mass is spread over several symbols; the shrunk "
             "search finds P = (1/25, 8/25, 8/25, 8/25) at gamma = 1/2 (q*_max = 0.3200025), "
             "and eight symbols of 3/25 with one of 1/25 at gamma = 2 is clearer; at least "
             "one of the two extremes is always suppressed. Under extreme imbalance further "
             "suppresses very small ones (q*_min < P_min, with q*_min/P_min falling as P_min "
             "-> 0): fails for a dominant symbol, geometric and Zipf sources, where the "
             "smallest is amplified more and more (P = (1 - e, e): ratio grows without "
             "bound); holds for a rare symbol beside a spread-out bulk whose lambda exceeds 1.")
