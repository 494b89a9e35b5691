#!/usr/bin/env bash
# Times `rps survival` (Release) against R's read.csv + survfit + survdiff on the same 1,000,000-row ADTTE file, in one
# run, and prints the median of several repetitions of each and their ratio. Figures go to docs/performance.md.
#   bench/survival-vs-r.sh [rows] [repetitions]
# The file is reproducible (R's set.seed) and kept in bench/out/ between runs. Installs R from Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${1:-1000000}
repetitions=${2:-5}
out=bench/out
csv=$out/adtte-$rows.csv
mkdir -p "$out"

if ! command -v Rscript >/dev/null || ! Rscript -e 'library(survival)' >/dev/null 2>&1; then
  echo "Installing R and its survival package (apt-get)…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq r-base-core r-cran-survival >/dev/null
fi

if [ ! -s "$csv" ]; then
  echo "Generating $csv…" >&2
  # Two arms 1:1, exponential times with median PFS 900 vs 700 days, independent exponential censoring at 3/7 of the
  # event rate (30 % censored), whole days from 1 as ADTTE's AVAL usually is.
  Rscript -e "
    set.seed(20230505)
    n <- $rows
    arm <- sample(c('neoadjuvant', 'surgery'), n, replace = TRUE)
    rate <- ifelse(arm == 'neoadjuvant', log(2) / 900, log(2) / 700)
    event <- rexp(n, rate); censor <- rexp(n, rate * 3 / 7)
    aval <- ceiling(pmin(event, censor)); cnsr <- as.integer(censor < event)
    con <- file('$csv', 'w')
    writeLines('STUDYID,USUBJID,PARAMCD,ARM,AVAL,CNSR', con)
    writeLines(sprintf('NATARS,NATARS-%07d,PFS,%s,%d,%d', seq_len(n), arm, aval, cnsr), con)
    close(con)
    cat(sprintf('censored: %.1f %%\n', 100 * mean(cnsr)))" >&2
fi

dotnet build tools/Rps.Cli -c Release --nologo --verbosity quiet -consoleLoggerParameters:NoSummary >&2
rps=(dotnet tools/Rps.Cli/bin/Release/net10.0/rps.dll survival --input "$csv")
r_script="library(survival)
d <- read.csv('$csv')
fit <- survfit(Surv(AVAL, 1 - CNSR) ~ ARM, data = d)
s <- summary(fit, times = c(365, 1096))
m <- summary(fit)\$table[, c('median', '0.95LCL', '0.95UCL')]
sd <- survdiff(Surv(AVAL, 1 - CNSR) ~ ARM, data = d)
cat(sprintf('R   chi-square %.10g, medians %s\n', sd\$chisq, paste(m[, 'median'], collapse = ' ')))"

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One untimed run of each: warms the file cache and shows that both agree.
"${rps[@]}" | awk '/"chiSquare"/ { gsub(/[ ,]/, ""); split($0, p, ":"); chi = p[2] }
  /"estimate"/ { gsub(/[ ,]/, ""); split($0, p, ":"); medians = medians " " p[2] }
  END { printf "rps chi-square %.10g, medians%s\n", chi, medians }'
Rscript -e "$r_script"

rps_times=(); r_times=()
for i in $(seq "$repetitions"); do
  rps_times+=("$(seconds "${rps[@]}")")
  r_times+=("$(seconds Rscript -e "$r_script")")
done
rps_median=$(printf '%s\n' "${rps_times[@]}" | median)
r_median=$(printf '%s\n' "${r_times[@]}" | median)

echo
echo "rows: $rows, repetitions: $repetitions, cores: $(nproc), $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p')"
echo "rps survival   : ${rps_times[*]} s -> median $(printf '%.2f' "$rps_median") s"
echo "R survfit+diff : ${r_times[*]} s -> median $(printf '%.2f' "$r_median") s"
echo "ratio rps / R  : $(awk -v a="$rps_median" -v b="$r_median" 'BEGIN { printf "%.3f", a / b }')"
