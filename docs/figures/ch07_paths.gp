# Chapter 7: the path of the weights w = (w1, w2) for every learning rate of the sweep, over
# the contours of the loss, from ch07_learning_rate --json (see ch07.cmake). DATA: per run, a
# column of w1 and a column of w2, one row per step. RUNS: as in ch07_loss.gp. PARAMS: two
# rows, H(0,0) H(0,1) w*_1 and H(1,0) H(1,1) w*_2.
set terminal svg size 900,640 dynamic font "Helvetica,12" background rgb "white"
set output OUTPUT
labels = ""
stats RUNS using (labels = labels . " " . strcol(1), 0) nooutput
runs = STATS_records
array P[6]
stats PARAMS using (P[3 * int($0) + 1] = $1, P[3 * int($0) + 2] = $2, P[3 * int($0) + 3] = $3) \
    nooutput
a = P[1]; b = P[2]; c = P[5]; s1 = P[3]; s2 = P[6]
# J − J* = ½ (w − w*)ᵀ H (w − w*), relative to its value at the start, w = 0.
excess(x, y) = 0.5 * (a * (x - s1)**2 + 2 * b * (x - s1) * (y - s2) + c * (y - s2)**2)
E0 = excess(0, 0)
# The view: a square around the start and the minimum.
h = 0.8 * sqrt(s1**2 + s2**2)
set xrange [s1 / 2 - h:s1 / 2 + h]
set yrange [s2 / 2 - h:s2 / 2 + h]
# Contours of log10((J − J*)/(J₀ − J*)) from −3 to 1, into a datablock.
set contour base
set cntrparam levels incremental -3, 0.5, 1
unset surface
set view map
set isosamples 100, 100
set table $contours
splot log10(excess(x, y) / E0)
unset table
unset contour
colors = "#7b3294 #1b9e77 #4a90d9 #e08a00 #d7301f #333333"
set multiplot layout 2,3
set size ratio -1
set xtics 1
set ytics 1
set xlabel "w_1" offset 0,0.5
set ylabel "w_2" offset 1,0
unset key
do for [i=1:runs] {
    set title "α = ".word(labels, i) noenhanced
    plot $contours using 1:2 with lines lc rgb "#bbbbbb", \
         DATA using (column(2 * i - 1)):(column(2 * i)) with linespoints \
              lw 1.5 pt 7 ps 0.35 lc rgb word(colors, i), \
         "+" using (s1):(s2) every ::0::0 with points pt 3 ps 1.5 lc rgb "black", \
         "+" using (0):(0) every ::0::0 with points pt 6 ps 1.2 lc rgb "black"
}
unset multiplot
