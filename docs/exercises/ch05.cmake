# Chapter 5's own runs (included by docs/CMakeLists.txt): the first epochs at α = 1000, shown
# in full and quoted in the learning-rate discussion (\ex05_lr1000_loss_1 ...); the same rate
# for the default 1000 epochs, to quote where the loss ends (\ex05_frozen_loss_last); and the
# first epochs at α = 100, quoted in the exercises (\ex05_lr100_loss_1 ...).
capture(OUTPUT ${gen}/exercise_ch05_lr1000.txt ALSO ${gen}/exercise_ch05_lr1000.json
        TARGET ch05_training
        ARGS --lr 1000 --epochs 3 --print-every 1 --json-file ${gen}/exercise_ch05_lr1000.json)
capture(OUTPUT ${gen}/exercise_ch05_frozen.txt ALSO ${gen}/exercise_ch05_frozen.json
        TARGET ch05_training ARGS --lr 1000 --json-file ${gen}/exercise_ch05_frozen.json)
capture(OUTPUT ${gen}/exercise_ch05_lr100.txt ALSO ${gen}/exercise_ch05_lr100.json
        TARGET ch05_training
        ARGS --lr 100 --epochs 8 --print-every 1 --json-file ${gen}/exercise_ch05_lr100.json)
list(APPEND captured ${gen}/exercise_ch05_lr1000.txt ${gen}/exercise_ch05_lr1000.json
                     ${gen}/exercise_ch05_frozen.txt ${gen}/exercise_ch05_frozen.json
                     ${gen}/exercise_ch05_lr100.txt ${gen}/exercise_ch05_lr100.json)
list(APPEND alias_sources ex05_lr1000=${gen}/exercise_ch05_lr1000.json
                          ex05_frozen=${gen}/exercise_ch05_frozen.json
                          ex05_lr100=${gen}/exercise_ch05_lr100.json)
