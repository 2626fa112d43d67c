# GEMM speed of every tier, C = A B with A 64x784 and B 784x128 (the forward product of a
# mini-batch of 64), from bench_gemm's JSON (see docs/CMakeLists.txt). Columns: name, FLOP/s.
# PEAK: the machine's double-precision peak that chapter 8 measured, in GFLOP/s (one value).
set terminal svg size 760,400 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
stats PEAK using 1 nooutput
peak = STATS_max  # GFLOP/s
set style fill solid 0.85 border -1
set boxwidth 0.6
set grid ytics lc rgb "#dddddd"
set logscale y
set yrange [0.1:200]
set ylabel "GFLOP/s (log scale)"
set xtics rotate by -20 noenhanced
set key off
# Names look like gemm/eigen/64x784x128: show the middle part.
tier(s) = substr(s, 6, strstrt(s[6:], "/") + 4)
set label 1 sprintf("measured double-precision peak, %.3g GFLOP/s", peak) \
    at graph 0.01, first peak left offset 0, 0.7 textcolor rgb "#b03a2e"
# The bars' values on white, so that the peak's line, drawn over the bars, never runs
# through one.
set style textbox opaque noborder
plot DATA using 0:($2/1e9):xtic(tier(strcol(1))) with boxes lc rgb "#4a6fa5", \
     peak with lines lw 2 dt (8, 6) lc rgb "#b03a2e", \
     DATA using 0:($2/1e9):(sprintf("%.1f", $2/1e9)) with labels boxed offset 0,0.8
