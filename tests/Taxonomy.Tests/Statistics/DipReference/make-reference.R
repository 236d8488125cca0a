# Reference values for DipTestTests: R's diptest (Maechler's C translation of AS 217) on fixed samples.
# Run from this folder:  Rscript make-reference.R
# Writes samples.csv.gz (sample, x: values with 7 significant digits, so R and .NET read the same doubles) and
# reference.csv (per sample: n, R's dip(x), lo and hi of dip(x, full.result = TRUE)$lo.hi (1-based), and
# dip.test(x)$p.value, the interpolation in qDiptab), and pvalues.csv: dip.test's p-value for given (n, D) pairs,
# obtained by running dip.test itself with its dip() replaced by the constant D. Samples use set.seed(2025).
library(diptest)
set.seed(2025)
mix <- function(n, w, m2, s2 = 1) { k <- rbinom(1, n, w); c(rnorm(k), rnorm(n - k, m2, s2)) }
data(statfaculty)
samples <- list(
  "n1" = rnorm(1), "n2" = rnorm(2), "n3" = rnorm(3), "n4" = rnorm(4),
  "uniform-5" = runif(5), "uniform-10" = runif(10), "uniform-50" = runif(50),
  "uniform-200" = runif(200), "uniform-1000" = runif(1000), "uniform-10000" = runif(10000),
  "normal-4" = rnorm(4), "normal-7" = rnorm(7), "normal-12" = rnorm(12), "normal-30" = rnorm(30),
  "normal-75" = rnorm(75), "normal-100" = rnorm(100), "normal-500" = rnorm(500), "normal-2000" = rnorm(2000),
  "normal-7000" = rnorm(7000),
  "bimodal-far-100" = mix(100, 0.5, 6), "bimodal-4-1000" = mix(1000, 0.5, 4), "bimodal-2.5-300" = mix(300, 0.5, 2.5),
  "bimodal-3-150" = mix(150, 0.5, 3), "unequal-0.8-500" = mix(500, 0.8, 4), "trimodal-600" = c(mix(400, 0.5, 5), rnorm(200, 10)),
  "ties-normal-1dp-200" = round(rnorm(200), 1), "ties-integers-40" = sample(1:5, 40, TRUE),
  "ties-bimodal-integers-1000" = round(mix(1000, 0.5, 5)), "ties-constant-6" = rep(3.5, 6),
  "point-masses-2x50" = c(rep(-1, 50), rep(2, 50)), "point-masses-3x20" = c(rep(0, 20), rep(1, 20), rep(2, 20)),
  "triangle-quantiles-101" = { u <- (0:100) / 100; ifelse(u < 0.5, sqrt(u / 2), 1 - sqrt((1 - u) / 2)) },
  "statfaculty" = statfaculty)
long <- do.call(rbind, lapply(names(samples), function(s)
  data.frame(sample = s, x = sprintf("%.7g", samples[[s]]))))
gz <- gzfile("samples.csv.gz", "w"); write.csv(long, gz, row.names = FALSE, quote = FALSE); close(gz)
back <- read.csv("samples.csv.gz", colClasses = c("character", "numeric"))
rows <- lapply(names(samples), function(s) {
  x <- sort(back$x[back$sample == s])
  d <- dip(x, full.result = TRUE)
  data.frame(sample = s, n = length(x), dip = sprintf("%.17g", d$dip), lo = d$lo.hi[1], hi = d$lo.hi[2],
             p = sprintf("%.17g", suppressWarnings(dip.test(x)$p.value)))
})
write.csv(do.call(rbind, rows), "reference.csv", row.names = FALSE, quote = FALSE)
# dip.test's p-value for a given dip D at sample size n: its own code, with dip() answering D.
p.for <- function(D, n) {
  f <- dip.test
  environment(f) <- list2env(list(dip = function(x) D), parent = asNamespace("diptest"))
  suppressMessages(suppressWarnings(f(seq_len(n))$p.value))
}
grid <- expand.grid(n = c(4, 5, 9, 10, 11, 16, 25, 60, 150, 300, 700, 1500, 1000, 3000, 15000, 30000, 50000, 80000),
                    q = c(0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.1, 1.4))
grid$dip <- grid$q / (2 * sqrt(grid$n))
grid$dip <- pmax(grid$dip, 1 / (2 * grid$n))
grid$p <- mapply(p.for, grid$dip, grid$n)
write.csv(data.frame(n = grid$n, dip = sprintf("%.17g", grid$dip), p = sprintf("%.17g", grid$p)),
          "pvalues.csv", row.names = FALSE, quote = FALSE)
cat("diptest", as.character(packageVersion("diptest")), "on", R.version.string, "\n")
