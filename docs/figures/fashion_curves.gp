# Chapter 9's training curves, from its --csv output (see docs/CMakeLists.txt). Columns:
# epoch, learning_rate, train_loss, train_accuracy, test_loss, test_accuracy, seconds.
set terminal svg size 900,380 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
set datafile separator ","
set key autotitle columnhead
set multiplot layout 1,2
set grid lc rgb "#dddddd"
set xlabel "epoch"
set title "loss (mean cross-entropy)"
set key top right
plot DATA using 1:3 with linespoints lw 2 pt 7 ps 0.5 title "training", \
     DATA using 1:5 with linespoints lw 2 pt 7 ps 0.5 title "test"
set title "accuracy"
set key bottom right
set yrange [0.8:1]
target = 0.89  # the project's target test accuracy, a goal set before any run
plot DATA using 1:4 with linespoints lw 2 pt 7 ps 0.5 title "training", \
     DATA using 1:6 with linespoints lw 2 pt 7 ps 0.5 title "test", \
     target with lines lw 2 dt (8, 6) lc rgb "#333333" title sprintf("target, %g", target)
unset multiplot
