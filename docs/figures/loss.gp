# The loss before each update of chapter 5's training, from ch05_training --json.
set terminal svg size 760,380 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
set grid lc rgb "#dddddd"
set logscale y
set format y "10^{%L}"
set xlabel "epoch"
set ylabel "J = ½ (y − t)²"
set key off
plot DATA using 1:2 with lines lw 2 lc rgb "#4a6fa5"
