# ns per entry against N, one line per variant, one panel per layout, log axes.
# gnuplot -e "data='collect_bench.tsv'; out='benchmarks.png'; reps=9" scripts/bench_plot.gp
set terminal pngcairo size 1500,480 font ",10" noenhanced
set output out
set multiplot layout 1,3 title sprintf("collect_unpinnable: median ns per pofs entry (%d repetitions, interleaved)", reps)
set logscale xy
set xlabel "N (pofs entries)"
set ylabel "ns per entry"
set grid
set key top left
layouts = "seq shuffled large9"
variants = "baseline foliorc plugged ranges prefetch"
do for [l = 1:3] {
  set title word(layouts, l)
  plot for [v = 1:5] data index ((l - 1) * 5 + v - 1) using 1:2 with linespoints title word(variants, v)
}
unset multiplot
