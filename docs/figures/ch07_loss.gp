# Chapter 7: the loss curves of every learning rate of the sweep, from ch07_learning_rate --json
# (see ch07.cmake). DATA: the row number, then one column per run, (J − J*)/(J₀ − J*) before
# each step. RUNS: one row per run: label, αλ_max, 1 − αλ_min, 1 − αλ_max, contraction,
# tolerance.
set terminal svg size 900,440 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
labels = ""
stats RUNS using (labels = labels . " " . strcol(1), $6) nooutput
runs = STATS_records
tolerance = STATS_max
set grid lc rgb "#dddddd"
set logscale y
set format y "10^{%L}"
set ytics 1e-16, 1e4
set mytics 1
set yrange [1e-17:1e27]
set xlabel "step"
set ylabel "(J − J*) / (J_0 − J*)"
colors = "#7b3294 #1b9e77 #4a90d9 #e08a00 #d7301f #333333"
set key outside right top noenhanced title "α"
set label 1 "tolerance" at graph 0.02, first tolerance / 40 left textcolor rgb "#888888"
plot for [i=1:runs] DATA using ($1 - 1):(column(i + 1) > 0 ? column(i + 1) : NaN) \
         with lines lw 2 lc rgb word(colors, i) title word(labels, i), \
     tolerance with lines dt 2 lc rgb "#888888" notitle
