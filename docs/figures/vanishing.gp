# Chapter 10: left, ‖∂J/∂b‖ of each hidden layer at initialisation; right, the first layer's
# over the last's after each epoch. Columns: index, then sigmoid, ReLU, ReLU + batch norm,
# sigmoid + residual (all four hidden layers).
set terminal svg size 960,400 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
set multiplot layout 1,2
set grid lc rgb "#dddddd"
set logscale y
set format y "10^{%L}"
set key bottom right noenhanced
set title "gradient of each hidden layer, at initialisation"
set xlabel "hidden layer"
set xtics 1
set ylabel "||dJ/db||"
plot INIT using 1:2 with linespoints lw 2 pt 7 title "sigmoid", \
     INIT using 1:3 with linespoints lw 2 pt 5 title "ReLU", \
     INIT using 1:4 with linespoints lw 2 pt 9 title "ReLU + batch norm", \
     INIT using 1:5 with linespoints lw 2 pt 11 title "sigmoid + residual"
set title "first hidden layer / last, during training"
set xlabel "epoch"
set xtics 1
set ylabel "ratio"
set key top right
plot RATIOS using ($1-1):2 with linespoints lw 2 pt 7 title "sigmoid", \
     RATIOS using ($1-1):3 with linespoints lw 2 pt 5 title "ReLU", \
     RATIOS using ($1-1):4 with linespoints lw 2 pt 9 title "ReLU + batch norm", \
     RATIOS using ($1-1):5 with linespoints lw 2 pt 11 title "sigmoid + residual", \
     0.1 with lines dt 2 lc rgb "#888888" title "1/10"
unset multiplot
