# Writes qDiptab.csv, the table of dip quantiles that DipTable interpolates (R diptest's own table).
library(diptest)
q <- diptest:::rdRDS("extraData", "qDiptab.rds")
out <- "qDiptab.csv"
cat("# Quantiles of Hartigan's dip under the uniform null: R package diptest ", as.character(packageVersion("diptest")),
    ", the table dip.test() reads (inst/extraData/qDiptab.rds).\n",
    "# Rows: sample size n; columns: probability Pr; cell: the Pr-quantile of dip(runif(n)) in diptest's simulation.\n",
    "# Made by: Rscript export-qDiptab.R (in this folder).\n",
    sep = "", file = out)
cat(paste(c("n", dimnames(q)$Pr), collapse = ","), "\n", sep = "", file = out, append = TRUE)
for (i in seq_len(nrow(q)))
  cat(paste(c(dimnames(q)$n[i], sprintf("%.17g", q[i, ])), collapse = ","), "\n", sep = "", file = out, append = TRUE)
