# Each activation and its derivative, from ch01_neuron --json (see docs/CMakeLists.txt).
# Columns of the data: z, then f and f' for sigmoid, tanh, relu and identity.
set terminal svg size 900,380 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
set multiplot layout 1,2
set grid lc rgb "#dddddd"
set key top left
set xrange [-4:4]
set xlabel "z"
set title "f(z)"
set yrange [-1.5:2.5]
plot DATA using 1:2 with lines lw 2 title "sigmoid", \
     DATA using 1:4 with lines lw 2 title "tanh", \
     DATA using 1:6 with lines lw 2 title "ReLU", \
     DATA using 1:8 with lines lw 2 dt 2 title "identity"
set title "f'(z)"
set yrange [-0.1:1.2]
plot DATA using 1:3 with lines lw 2 title "sigmoid'", \
     DATA using 1:5 with lines lw 2 title "tanh'", \
     DATA using 1:7 with lines lw 2 title "ReLU'", \
     DATA using 1:9 with lines lw 2 dt 2 title "identity'"
unset multiplot
