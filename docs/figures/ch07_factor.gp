# Chapter 7: how much one step of gradient descent shrinks the error along each eigenvector
# of H, as a function of the learning rate, with the sweep's rates marked; from
# ch07_learning_rate --json (see ch07.cmake). RUNS: one row per run: label, αλ_max,
# 1 − αλ_min, 1 − αλ_max, contraction, tolerance.
set terminal svg size 900,400 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
labels = ""
stats RUNS using (labels = labels . " " . strcol(1), 0) nooutput
runs = STATS_records
# λ_min/λ_max, from any run: αλ_min = 1 − (1 − αλ_min).
stats RUNS using ((1 - $3) / $2) nooutput
ratio = STATS_mean
set grid lc rgb "#dddddd"
set xrange [0:2.3]
set yrange [0:1.3]
set samples 1000
set xlabel "α λ_{max}"
set ylabel "|1 − αλ| per step"
set key outside right top
set arrow 1 from 2, graph 0 to 2, graph 1 nohead dt 2 lc rgb "#888888"
set arrow 2 from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb "#888888"
set label 1 "oscillates →" at 1.02, 1.22 left textcolor rgb "#888888"
set label 2 "diverges →" at 2.02, 1.22 left textcolor rgb "#888888"
colors = "#7b3294 #1b9e77 #4a90d9 #e08a00 #d7301f #333333"
plot abs(1 - x) with lines lw 1.5 dt 3 lc rgb "#555555" title "along v_{max}: |1 − αλ_{max}|", \
     abs(1 - ratio * x) with lines lw 1.5 dt 4 lc rgb "#555555" title "along v_{min}: |1 − αλ_{min}|", \
     (abs(1 - x) > abs(1 - ratio * x) ? abs(1 - x) : abs(1 - ratio * x)) with lines lw 2.5 \
         lc rgb "black" title "the slower of the two", \
     for [i=1:runs] RUNS every ::(i - 1)::(i - 1) using 2:5 with points pt 7 ps 1.2 \
         lc rgb word(colors, i) title word(labels, i) noenhanced
