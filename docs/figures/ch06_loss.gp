# Chapter 6: the loss (binary cross-entropy on the four XOR points) before each step, for every
# network, from ch06_activations --json (see ch06.cmake). DATA: the row number, then one column
# per network; NAMES: the networks' names, in that order. The dashed line is ln 2, the lowest
# loss a linear model can reach on XOR (see the chapter).
set terminal svg size 900,380 dynamic font "Helvetica,13" background rgb "white"
set output OUTPUT
names = ""
stats NAMES using (names = names . " " . strcol(1), 0) nooutput
networks = STATS_records
best = log(2)
set grid lc rgb "#dddddd"
set logscale y
set format y "10^{%L}"
set mytics 1
set xlabel "step"
set ylabel "binary cross-entropy"
set key outside right top noenhanced
set label 1 "ln 2: the best a linear model can do" at graph 0.98, first best / 1.5 right \
    textcolor rgb "#888888"
colors = "#333333 #1b9e77 #e08a00 #4a90d9"
plot for [i=1:networks] DATA using ($1 - 1):(column(i + 1)) with lines lw 2 \
         lc rgb word(colors, i) title word(names, i), \
     best with lines dt 2 lc rgb "#888888" notitle
