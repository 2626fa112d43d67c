# Chapter 10: left, ‖∂J/∂b‖ of each hidden layer at initialisation; right, the first layer's
# over the last's after each epoch. Columns: index, then sigmoid, ReLU, ReLU + batch norm,
# sigmoid + residual (all four hidden layers).
set terminal svg size 960,430 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
# Two panels side by side, and under them, clear of the data, one legend for both.
key_height = 0.1
set multiplot
set size 0.5, 1 - key_height
set grid lc rgb "#dddddd"
set logscale y
set format y "10^{%L}"
unset key
set origin 0, key_height
set title "gradient of each hidden layer, at initialisation"
set xlabel "hidden layer"
set xtics 1
set ylabel "||dJ/db||"
plot INIT using 1:2 with linespoints lw 2 lt 1 pt 7, \
     INIT using 1:3 with linespoints lw 2 lt 2 pt 5, \
     INIT using 1:4 with linespoints lw 2 lt 3 pt 9, \
     INIT using 1:5 with linespoints lw 2 lt 4 pt 11
set origin 0.5, key_height
set title "first hidden layer / last, during training"
set xlabel "epoch"
set ylabel "ratio"
# The 1/10 line is named where it ends, at the right edge, above the line.
set label 1 "1/10" at graph 1, first 0.1 right offset -0.5, 0.7 textcolor rgb "#555555"
plot RATIOS using ($1-1):2 with linespoints lw 2 lt 1 pt 7, \
     RATIOS using ($1-1):3 with linespoints lw 2 lt 2 pt 5, \
     RATIOS using ($1-1):4 with linespoints lw 2 lt 3 pt 9, \
     RATIOS using ($1-1):5 with linespoints lw 2 lt 4 pt 11, \
     0.1 with lines lw 1.5 dt (8, 6) lc rgb "#555555"
# The legend: a plot of nothing, with a key and no axes.
unset label 1
set origin 0, 0
set size 1, key_height
unset title
unset xlabel
unset ylabel
unset tics
unset grid
unset border
unset logscale y
set xrange [0:1]
set yrange [0:1]
set margins 0, 0, 0, 0
set key center center horizontal maxrows 1 reverse Left noenhanced samplen 3 width -3
plot NaN with linespoints lw 2 lt 1 pt 7 title "sigmoid", \
     NaN with linespoints lw 2 lt 2 pt 5 title "ReLU", \
     NaN with linespoints lw 2 lt 3 pt 9 title "ReLU + batch norm", \
     NaN with linespoints lw 2 lt 4 pt 11 title "sigmoid + residual"
unset multiplot
