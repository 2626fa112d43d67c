# Chapter 9's exercise runs (included by docs/CMakeLists.txt): three round learning rates
# placed against the critical ones (\ex09_rates_runs_rate1_steps_to_tolerance ...), and the
# default sweep run long enough for its slowest rates to converge
# (\ex09_long_runs_crawl_steps_to_tolerance ...).
capture(OUTPUT ${gen}/exercise_ch09_rates.txt ALSO ${gen}/exercise_ch09_rates.json
        TARGET ch09_learning_rate
        ARGS --rates 0.45,0.9,0.95 --json-file ${gen}/exercise_ch09_rates.json)
capture(OUTPUT ${gen}/exercise_ch09_long.txt ALSO ${gen}/exercise_ch09_long.json
        TARGET ch09_learning_rate
        ARGS --steps 7000 --json-file ${gen}/exercise_ch09_long.json)
list(APPEND captured ${gen}/exercise_ch09_rates.txt ${gen}/exercise_ch09_rates.json
                     ${gen}/exercise_ch09_long.txt ${gen}/exercise_ch09_long.json)
list(APPEND alias_sources ex09_rates=${gen}/exercise_ch09_rates.json
                          ex09_long=${gen}/exercise_ch09_long.json)
