/*
 * gru_fp32.h -- fp32 GRU over a whole sequence (MindSpore Lite GRU: gates update z, reset r,
 * hidden n; the reset gate applied to h before the recurrent product).
 *
 * input [T][B][I];  h0, hidden_out [D][B][H];  output [T][D][B][H].
 * weight [D][3H][I + H]: row g*H + j is the input weights of gate g, unit j, followed by its
 * recurrent weights; bias [D][3H]: input bias + recurrent bias, summed. For each direction d
 * (d = 1 walks time backwards) and step t, with h the state of d:
 *   z = sigmoid(b_z + W_z x_t + R_z h),  r = sigmoid(b_r + W_r x_t + R_r h)
 *   n = tanh(b_n + W_n x_t + R_n (r * h));  h = z * h + (1 - z) * n;  output[t][d] = h
 * seq_lens (NULL: none) holds B equal step counts L: output[t] is zeroed for t >= min(T, max(L, 0))
 * (the state still runs over all T steps, as MindSpore Lite does); unequal counts return
 * NNACL_ERR_PARAM. hidden_out holds the state throughout and ends as the final state; it must
 * not overlap the inputs. Scratch: gru_fp32_scratch_size() bytes.
 */
#ifndef NNACL_FP32_GRU_FP32_H_
#define NNACL_FP32_GRU_FP32_H_

#include <stddef.h>

#include "common/gru_param.h"

#ifdef __cplusplus
extern "C" {
#endif

size_t gru_fp32_scratch_size(const gru_param_t *param);
int gru_fp32(const gru_param_t *param, const float *input, const float *weight, const float *bias, const float *h0,
             const int32_t *seq_lens, void *scratch, size_t scratch_size, float *output, float *hidden_out);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_GRU_FP32_H_ */
