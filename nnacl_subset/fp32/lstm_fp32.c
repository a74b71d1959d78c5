/*
 * lstm_fp32.c -- fp32 LSTM (see lstm_fp32.h): per step, all gate pre-activations of every batch
 * row go to scratch first (they read the old hidden state), then the states are updated in place.
 */
#include <math.h>
#include <string.h>

#include "fp32/lstm_fp32.h"

static float lstm_sigmoid(float x) {
  /* exp of a non-positive argument only: no overflow for large |x| */
  if (x >= 0.0f) {
    return 1.0f / (1.0f + expf(-x));
  } else {
    const float e = expf(x);
    return e / (1.0f + e);
  }
}

size_t lstm_fp32_scratch_size(const lstm_param_t *param) {
  return (size_t)LSTM_GATES * (size_t)param->batch * (size_t)param->hidden_size * sizeof(float);
}

/* One time step of one direction: gates of every batch row into `gates`, then the update. */
static void lstm_step(const lstm_param_t *param, const float *x_t, const float *weight, const float *bias,
                      float *gates, float *y_t, float *h, float *c) {
  const int32_t batch = param->batch, in = param->input_size, hid = param->hidden_size;
  const int32_t rows = LSTM_GATES * hid, depth = in + hid;
  const float zc = param->zoneout_cell, zh = param->zoneout_hidden;
  int32_t b, r, k, j;
  for (b = 0; b < batch; ++b) {
    const float *x = x_t + (size_t)b * in;
    const float *hb = h + (size_t)b * hid;
    float *a = gates + (size_t)b * rows;
    for (r = 0; r < rows; ++r) {
      const float *w = weight + (size_t)r * depth;
      float acc = bias[r];
      for (k = 0; k < in; ++k) {
        acc += x[k] * w[k];
      }
      for (k = 0; k < hid; ++k) {
        acc += hb[k] * w[in + k];
      }
      a[r] = acc;
    }
  }
  for (b = 0; b < batch; ++b) {
    const float *a = gates + (size_t)b * rows;
    float *hb = h + (size_t)b * hid;
    float *cb = c + (size_t)b * hid;
    float *y = y_t + (size_t)b * hid;
    for (j = 0; j < hid; ++j) {
      const float ig = lstm_sigmoid(a[LSTM_GATE_INPUT * hid + j]);
      const float og = lstm_sigmoid(a[LSTM_GATE_OUTPUT * hid + j]);
      const float fg = lstm_sigmoid(a[LSTM_GATE_FORGET * hid + j]);
      const float gg = tanhf(a[LSTM_GATE_CELL * hid + j]);
      const float c_new = fg * cb[j] + ig * gg;
      const float h_new = og * tanhf(c_new);
      y[j] = h_new;
      cb[j] = zc != 0.0f ? zc * cb[j] + (1.0f - zc) * c_new : c_new;
      hb[j] = zh != 0.0f ? zh * hb[j] + (1.0f - zh) * h_new : h_new;
    }
  }
}

int lstm_fp32(const lstm_param_t *param, const float *input, const float *weight, const float *bias, const float *h0,
              const float *c0, void *scratch, size_t scratch_size, float *output, float *hidden_out,
              float *cell_out) {
  const int32_t seq = param->seq_len, batch = param->batch, in = param->input_size, hid = param->hidden_size;
  const int32_t dirs = param->num_directions;
  const size_t state = (size_t)batch * hid;
  float *gates = (float *)scratch;
  int32_t d, s;
  if (scratch == NULL || scratch_size < lstm_fp32_scratch_size(param)) {
    return NNACL_ERR_SCRATCH;
  }
  if (dirs < 1 || dirs > 2 || seq < 0 || batch < 1 || in < 1 || hid < 1) {
    return NNACL_ERR_PARAM;
  }
  memcpy(hidden_out, h0, (size_t)dirs * state * sizeof(float));
  memcpy(cell_out, c0, (size_t)dirs * state * sizeof(float));
  for (d = 0; d < dirs; ++d) {
    const float *w = weight + (size_t)d * LSTM_GATES * hid * (size_t)(in + hid);
    const float *bd = bias + (size_t)d * LSTM_GATES * hid;
    for (s = 0; s < seq; ++s) {
      const int32_t t = d == 0 ? s : seq - 1 - s;
      lstm_step(param, input + (size_t)t * batch * in, w, bd, gates,
                output + ((size_t)t * dirs + d) * state, hidden_out + d * state, cell_out + d * state);
    }
  }
  return NNACL_OK;
}
