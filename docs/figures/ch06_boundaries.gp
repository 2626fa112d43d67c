# Chapter 6: the output of each trained network on a grid over [-0.5, 1.5]², with its decision
# boundary (output 0.5) and the four XOR points, from ch06_activations --json (see ch06.cmake).
# LINEAR, SIGMOID, TANH, RELU: each network's grid as a matrix, row r and column c holding the
# output at (x_c, y_r); NAMES: the networks' names, in that order. A PNG: four heat maps of
# thousands of cells are much smaller as pixels than as SVG.
set terminal pngcairo size 1280,400 font "Helvetica,12" background rgb "white"
set output OUTPUT
names = ""
stats NAMES using (names = names . " " . strcol(1), 0) nooutput
files = LINEAR." ".SIGMOID." ".TANH." ".RELU
stats LINEAR matrix using 1 nooutput
n = int(sqrt(STATS_records))  # grid points per side
lo = -0.5; hi = 1.5; h = (hi - lo) / (n - 1)
# The XOR points: (0,1) and (1,0) are class 1 (drawn black), (0,0) and (1,1) class 0 (white).
$class0 << EOD
0 0
1 1
EOD
$class1 << EOD
0 1
1 0
EOD
set palette defined (0 "#2c6db2", 0.5 "#f7f7f7", 1 "#c0392b")
set cbrange [0:1]
set cbtics 0.25
set xrange [lo:hi]
set yrange [lo:hi]
set size ratio -1
set xtics (-0.5, 0, 0.5, 1)
set ytics 0.5
set xlabel "x_1"
unset key
set multiplot layout 1,4 margins 0.07, 0.93, 0.16, 0.88 spacing 0.035, 0
# A stand-in boundary for a flat map: one point outside the view.
$none << EOD
-9 -9
EOD
do for [k=1:4] {
    file = word(files, k)
    # The boundary: the 0.5 contour, unless the output is flat (the linear network outputs 0.5
    # all over, and a contour of rounding noise would mean nothing).
    stats file matrix using 3 nooutput
    boundary = '$none'
    if (STATS_max - STATS_min > 1e-3) {
        set contour base
        set cntrparam levels discrete 0.5
        unset surface
        set table $boundary
        splot file matrix using (lo + $1 * h):(lo + $2 * h):3
        unset table
        unset contour
        set surface
        boundary = '$boundary'
    }
    set title word(names, k)
    if (k == 1) { set ylabel "x_2" } else { unset ylabel }
    if (k == 4) { set colorbox user origin 0.945, 0.2 size 0.012, 0.6 } else { unset colorbox }
    plot file matrix using (lo + $1 * h):(lo + $2 * h):3 with image, \
         boundary using 1:2 with lines lw 2 lc rgb "black", \
         $class0 using 1:2 with points pt 7 ps 2 lc rgb "white", \
         $class0 using 1:2 with points pt 6 ps 2 lc rgb "black", \
         $class1 using 1:2 with points pt 7 ps 2 lc rgb "black"
}
unset multiplot
