# policy_report: interleavings per second (every drain policy each) against scenario size, one
# line per thread count. gnuplot -e "data='...tsv'; out='...png'" scripts/bench_policy.gp
set terminal pngcairo size 900,520 font ",10" noenhanced
set output out
set title "policy_report: interleavings/s (each under 7 drain policies) against scenario size"
set logscale x
set xlabel "interleavings in the scenario"
set ylabel "interleavings per second"
set grid
set key top left
plot data index 0 using 1:2 with linespoints title "1 thread", \
     data index 1 using 1:2 with linespoints title "2 threads"
