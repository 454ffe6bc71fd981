# ns per entry against N, one line per variant, one panel per layout, log axes.
# gnuplot -e "data='collect_bench.tsv'; out='benchmarks-gcc.png'; reps=9; cc='gcc'" scripts/bench_plot.gp
set terminal pngcairo size 1800,960 font ",10" noenhanced
set output out
set multiplot layout 2,3 title sprintf("collect_unpinnable, %s: median ns per pofs entry (%d repetitions, interleaved)", cc, reps)
set logscale xy
set xlabel "N (pofs entries)"
set ylabel "ns per entry"
set grid
set key top left
layouts = "seq shuffled large9 unpinnable mixed"
variants = "floor baseline foliorc plugged ranges prefetch plugged_prefetch"
nv = 7
do for [l = 1:5] {
  set title word(layouts, l)
  plot data index ((l - 1) * nv) using 1:2 with linespoints dashtype 2 linewidth 2 title "floor", \
       for [v = 2:nv] data index ((l - 1) * nv + v - 1) using 1:2 with linespoints title word(variants, v)
}
unset multiplot
