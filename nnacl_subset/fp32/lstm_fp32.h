/*
 * lstm_fp32.h -- fp32 LSTM over a whole sequence (MindSpore Lite LSTM, ONNX layout: gates i, o, f, c).
 *
 * input  [T][B][I];  h0, c0, hidden_out, cell_out [D][B][H];  output [T][D][B][H].
 * weight [D][4H][I + H]: row g*H + j is the input weights of gate g, unit j, followed by its
 * recurrent weights; bias [D][4H]: input bias + recurrent bias, summed. For each direction d
 * (d = 1 walks time backwards) and step t, with h, c the state of d:
 *   a[g][j] = bias[g*H + j] + sum_k x_t[k] * w[g*H + j][k] + sum_k h[k] * w[g*H + j][I + k]
 *   i = sigmoid(a[i]), o = sigmoid(a[o]), f = sigmoid(a[f]), g = tanh(a[c])
 *   c_new = f * c + i * g;  y = o * tanh(c_new);  output[t][d] = y
 *   c = zoneout_cell ? z * c + (1 - z) * c_new : c_new;  h likewise from y with zoneout_hidden.
 * hidden_out / cell_out hold the state throughout and end as the final state (Y_h, Y_c).
 * They must not overlap the inputs. Scratch: lstm_fp32_scratch_size() bytes (the gates of one step).
 */
#ifndef NNACL_FP32_LSTM_FP32_H_
#define NNACL_FP32_LSTM_FP32_H_

#include <stddef.h>

#include "common/lstm_param.h"

#ifdef __cplusplus
extern "C" {
#endif

size_t lstm_fp32_scratch_size(const lstm_param_t *param);
int lstm_fp32(const lstm_param_t *param, const float *input, const float *weight, const float *bias, const float *h0,
              const float *c0, void *scratch, size_t scratch_size, float *output, float *hidden_out,
              float *cell_out);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_LSTM_FP32_H_ */
