# Chapter 11's exercise run (included by docs/CMakeLists.txt): the worked example with tanh in
# the hidden layer, through the scalar graph, the tape and the hand-written backward pass
# (\ex11_tanh_gradients_scalar_dJ_dW1_0_0, \ex11_tanh_scalar_nodes_a1_0_grad ...).
capture(OUTPUT ${gen}/exercise_ch11_tanh.txt ALSO ${gen}/exercise_ch11_tanh.json
        TARGET ch11_autodiff
        ARGS --hidden tanh --samples 64 --json-file ${gen}/exercise_ch11_tanh.json)
list(APPEND captured ${gen}/exercise_ch11_tanh.txt ${gen}/exercise_ch11_tanh.json)
list(APPEND alias_sources ex11_tanh=${gen}/exercise_ch11_tanh.json)
