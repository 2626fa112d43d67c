# Each activation and its derivative, from ch01_neuron --json (see docs/CMakeLists.txt).
# Columns of the data: z, then f and f' for sigmoid, tanh, relu and identity.
set terminal svg size 900,380 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
set multiplot layout 1,2
set grid lc rgb "#dddddd"
set xrange [-4:4]
set xlabel "z"
set title "f(z)"
set yrange [-1.5:2.5]
set key top left  # clear of every curve: all four are below 0.5 there
plot DATA using 1:2 with lines lw 2 lt 1 title "sigmoid", \
     DATA using 1:4 with lines lw 2 lt 2 title "tanh", \
     DATA using 1:6 with lines lw 2 lt 3 title "ReLU", \
     DATA using 1:8 with lines lw 2 lt 4 dt 2 title "identity"
# ReLU' jumps at 0: it is one value left of 0 and another right of it, read from the data.
# Each side is drawn up to 0 and not joined to the other; ReLU'(0), what the library computes
# there, is the filled dot, and the side it does not take ends in an open dot.
stats DATA using ($1 < 0 ? $7 : NaN) nooutput
relu_left = STATS_max
stats DATA using ($1 > 0 ? $7 : NaN) nooutput
relu_right = STATS_min
set title "f'(z)"
set yrange [-0.1:1.2]
set key left center samplen 2  # left of -1.2, between 0.35 and 0.75: clear of every curve
plot DATA using 1:3 with lines lw 2 lt 1 title "sigmoid'", \
     DATA using 1:5 with lines lw 2 lt 2 title "tanh'", \
     DATA using 1:($1 < 0 ? $7 : $1 == 0 ? relu_left : NaN) with lines lw 2 lt 3 title "ReLU'", \
     DATA using 1:($1 > 0 ? $7 : $1 == 0 ? relu_right : NaN) with lines lw 2 lt 3 notitle, \
     DATA using 1:9 with lines lw 2 lt 4 dt 2 title "identity'", \
     DATA using 1:($1 == 0 ? relu_left : NaN) with points pt 7 ps 0.9 lc rgb "white" notitle, \
     DATA using 1:($1 == 0 ? relu_left : NaN) with points pt 6 ps 0.9 lt 3 notitle, \
     DATA using 1:($1 == 0 ? relu_right : NaN) with points pt 7 ps 0.9 lc rgb "white" notitle, \
     DATA using 1:($1 == 0 ? relu_right : NaN) with points pt 6 ps 0.9 lt 3 notitle, \
     DATA using 1:($1 == 0 ? $7 : NaN) with points pt 7 ps 0.9 lt 3 notitle
unset multiplot
