package ai.unison.diffusion.schedulers;

import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code c0 * t0 + c1 * t1 + ...} over latents with the fewest libtorch passes: a term with
 * coefficient 1 absorbs the next one ({@code torch.add(a, b, alpha)}, one pass), every further term is
 * one in-place {@code add_(t, c)}. Coefficients are computed in Java from the schedule; the tensors are
 * only read.
 */
final class LinearCombination {
    private final List<Double> coefficients = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();

    private LinearCombination() {
    }

    static LinearCombination of(double c, Tensor t) {
        return new LinearCombination().plus(c, t);
    }

    /** A combination starting with {@code c} times another one. */
    static LinearCombination of(double c, LinearCombination other) {
        LinearCombination out = new LinearCombination();
        for (int i = 0; i < other.tensors.size(); i++) {
            out.plus(c * other.coefficients.get(i), other.tensors.get(i));
        }
        return out;
    }

    LinearCombination plus(double c, Tensor t) {
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i) == t) {
                coefficients.set(i, coefficients.get(i) + c);
                return this;
            }
        }
        coefficients.add(c);
        tensors.add(t);
        return this;
    }

    int size() {
        return tensors.size();
    }

    Tensor tensor(int i) {
        return tensors.get(i);
    }

    double coefficient(int i) {
        return coefficients.get(i);
    }

    /** The combination as a new tensor in the dtype of {@code like} (the sample's). */
    Tensor eval(Tensor like) {
        int first = -1;
        for (int i = 0; i < tensors.size(); i++) {
            double c = coefficients.get(i);
            if (c == 1.0 || c != 0.0 && first < 0) {
                first = i;
                if (c == 1.0) {
                    break;
                }
            }
        }
        if (first < 0) {
            return torch.zeros_like(like);
        }
        int second = -1;
        if (coefficients.get(first) == 1.0) {
            for (int i = 0; i < tensors.size() && second < 0; i++) {
                if (i != first && coefficients.get(i) != 0.0) {
                    second = i;
                }
            }
        }
        Tensor out = second >= 0
                ? torch.add(tensors.get(first), tensors.get(second), Torch.scalar(coefficients.get(second)))
                : torch.mul(tensors.get(first), Torch.scalar(coefficients.get(first)));
        if (out.scalar_type().value != like.scalar_type().value) {
            out = out.to(like.scalar_type());
        }
        addRest(out, first, second);
        return out;
    }

    /** Writes the combination into {@code out}, a tensor the caller owns that is none of the terms. */
    void evalInto(Tensor out) {
        int first = 0;
        for (int i = 0; i < tensors.size(); i++) {
            if (coefficients.get(i) == 1.0) {
                first = i;
                break;
            }
        }
        int second = -1;
        if (coefficients.get(first) == 1.0 && tensors.size() > 1) {
            second = first == 0 ? 1 : 0;
            torch.add_out(out, tensors.get(first), tensors.get(second), Torch.scalar(coefficients.get(second)));
        } else {
            torch.mul_out(out, tensors.get(first), Torch.scalar(coefficients.get(first)));
        }
        addRest(out, first, second);
    }

    private void addRest(Tensor out, int skipA, int skipB) {
        for (int i = 0; i < tensors.size(); i++) {
            if (i != skipA && i != skipB && coefficients.get(i) != 0.0) {
                out.add_(tensors.get(i), Torch.scalar(coefficients.get(i)));
            }
        }
    }
}
