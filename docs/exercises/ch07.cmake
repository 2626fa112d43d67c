# Chapter 7's exercise runs (included by docs/CMakeLists.txt): three round learning rates
# placed against the critical ones (\ex07_rates_runs_rate1_steps_to_tolerance ...), and the
# default sweep run long enough for its slowest rates to converge
# (\ex07_long_runs_crawl_steps_to_tolerance ...).
capture(OUTPUT ${gen}/exercise_ch07_rates.txt ALSO ${gen}/exercise_ch07_rates.json
        TARGET ch07_learning_rate
        ARGS --rates 0.45,0.9,0.95 --json-file ${gen}/exercise_ch07_rates.json)
capture(OUTPUT ${gen}/exercise_ch07_long.txt ALSO ${gen}/exercise_ch07_long.json
        TARGET ch07_learning_rate
        ARGS --steps 7000 --json-file ${gen}/exercise_ch07_long.json)
list(APPEND captured ${gen}/exercise_ch07_rates.txt ${gen}/exercise_ch07_rates.json
                     ${gen}/exercise_ch07_long.txt ${gen}/exercise_ch07_long.json)
list(APPEND alias_sources ex07_rates=${gen}/exercise_ch07_rates.json
                          ex07_long=${gen}/exercise_ch07_long.json)
