# Chapter 10's exercise run (included by docs/CMakeLists.txt): the gradients at
# initialisation from another seed (\ex10_seed2_networks_sigmoid_4_rounded_ratio_at_init ...);
# no training, a few seconds, most of them reading Fashion-MNIST.
capture(OUTPUT ${gen}/exercise_ch10_seed2.txt ALSO ${gen}/exercise_ch10_seed2.json
        TARGET ch10_vanishing_gradients
        ARGS --epochs 0 --seed 2 --json-file ${gen}/exercise_ch10_seed2.json)
list(APPEND captured ${gen}/exercise_ch10_seed2.txt ${gen}/exercise_ch10_seed2.json)
list(APPEND alias_sources ex10_seed2=${gen}/exercise_ch10_seed2.json)
