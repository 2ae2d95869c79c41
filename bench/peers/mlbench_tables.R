# Writes the tables of the tabular quality benchmark as CSV files, from R's mlbench package (Debian: r-cran-mlbench).
# Usage: Rscript mlbench_tables.R OUTPUT_DIR
# Each file NAME.csv holds the numeric feature columns, then "Class" (the class label as text); factor features (Ionosphere's
# V1 and V2) become their numeric values. No row is dropped or changed here: the benchmark applies each table's protocol.
suppressPackageStartupMessages(library(mlbench))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript mlbench_tables.R OUTPUT_DIR")
dir.create(args[1], showWarnings = FALSE, recursive = TRUE)
tables <- c(Ionosphere = "Class", Sonar = "Class", Glass = "Type", Vehicle = "Class", Satellite = "classes",
            Shuttle = "Class", PimaIndiansDiabetes = "diabetes")
for (name in names(tables)) {
  e <- new.env()
  data(list = name, package = "mlbench", envir = e)
  d <- get(name, envir = e)
  label <- tables[[name]]
  features <- d[, setdiff(names(d), label), drop = FALSE]
  for (column in names(features)) {
    if (is.factor(features[[column]])) features[[column]] <- as.numeric(as.character(features[[column]]))
  }
  out <- cbind(features, Class = as.character(d[[label]]))
  write.csv(out, file.path(args[1], paste0(name, ".csv")), row.names = FALSE, quote = TRUE)
}
