# Chapter 12: the α-β model of a ring all-reduce of the gradient on a cluster. Left, the time
# of one all-reduce against the number of machines; right, the batch each machine must compute
# for its compute time to equal that. Columns: machines, all-reduce seconds, batch per machine.
set terminal svg size 960,400 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
set multiplot layout 1,2
set grid lc rgb "#dddddd"
set logscale x 2
set xtics ("8" 8, "32" 32, "128" 128, "512" 512, "1024" 1024)
set xlabel "machines P"
unset key
set title "one all-reduce of the gradient"
set ylabel "milliseconds"
set yrange [0:*]
plot DATA using 1:($2*1000) with linespoints lw 2 lt 1 pt 7
set title "batch per machine at which compute = all-reduce"
set ylabel "samples per machine"
# Chapter 9's batch, for scale.
set label 1 "64, chapter 9's batch" at graph 0.02, first 64 offset 0, 0.8 textcolor rgb "#555555"
plot DATA using 1:3 with linespoints lw 2 lt 2 pt 5, 64 with lines dt 2 lc rgb "#555555"
unset multiplot
