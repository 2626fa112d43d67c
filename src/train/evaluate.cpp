#include "backprop/train/evaluate.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "backprop/nn/loss.hpp"

namespace backprop {

template <Scalar T>
std::size_t predicted_class(const MatrixOf<T>& logits, std::size_t s) {
    const auto row = boost::numeric::ublas::row(logits, s);
    return static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
}

template <Scalar T>
Evaluation evaluate(SequentialOf<T>& network, const Dataset& data, std::size_t batch) {
    if (batch == 0) throw std::invalid_argument("evaluate: the batch size must be at least 1");
    Evaluation result;
    result.confusion.assign(data.classes, std::vector<std::size_t>(data.classes, 0));
    result.predicted.resize(data.size());
    std::vector<std::size_t> indices;
    MatrixOf<T> X, targets;
    std::size_t correct = 0;
    double loss_sum = 0.0;
    for (std::size_t start = 0; start < data.size(); start += batch) {
        const std::size_t end = std::min(data.size(), start + batch);
        indices.resize(end - start);
        std::iota(indices.begin(), indices.end(), start);
        fill_batch(data, indices, X, targets);
        const MatrixOf<T>& logits = network.forward(X, false);
        loss_sum += softmax_cross_entropy(logits, targets) * static_cast<double>(end - start);
        for (std::size_t s = 0; s < logits.size1(); ++s) {
            const std::size_t predicted = predicted_class(logits, s);
            const std::size_t label = data.labels[start + s];
            result.predicted[start + s] = static_cast<std::uint8_t>(predicted);
            ++result.confusion[label][predicted];
            if (predicted == label) ++correct;
        }
    }
    const double n = static_cast<double>(std::max<std::size_t>(1, data.size()));
    result.loss = loss_sum / n;
    result.accuracy = static_cast<double>(correct) / n;
    return result;
}

template std::size_t predicted_class(const MatrixOf<double>&, std::size_t);
template std::size_t predicted_class(const MatrixOf<float>&, std::size_t);
template Evaluation evaluate(SequentialOf<double>&, const Dataset&, std::size_t);
template Evaluation evaluate(SequentialOf<float>&, const Dataset&, std::size_t);

}  // namespace backprop
