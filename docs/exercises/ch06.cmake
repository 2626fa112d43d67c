# Chapter 6's exercise run (included by docs/CMakeLists.txt): two hidden neurons from seed 3,
# where gradient descent does not find XOR (\ex06_hidden2_networks_sigmoid_final_loss ...).
capture(OUTPUT ${gen}/exercise_ch06_hidden2.txt ALSO ${gen}/exercise_ch06_hidden2.json
        TARGET ch06_activations
        ARGS --hidden 2 --seed 3 --json-file ${gen}/exercise_ch06_hidden2.json)
list(APPEND captured ${gen}/exercise_ch06_hidden2.txt ${gen}/exercise_ch06_hidden2.json)
list(APPEND alias_sources ex06_hidden2=${gen}/exercise_ch06_hidden2.json)
