/*
 * gru_fp32.c -- fp32 GRU (see gru_fp32.h). Per step the gate pre-activations of every batch row
 * go to scratch (3 gates), with r * h beside them (1 more block), before the state is updated in place.
 */
#include <math.h>
#include <string.h>

#include "fp32/gru_fp32.h"

static float gru_sigmoid(float x) {
  /* exp of a non-positive argument only: no overflow for large |x| */
  if (x >= 0.0f) {
    return 1.0f / (1.0f + expf(-x));
  } else {
    const float e = expf(x);
    return e / (1.0f + e);
  }
}

size_t gru_fp32_scratch_size(const gru_param_t *param) {
  return (size_t)(GRU_GATES + 1) * (size_t)param->batch * (size_t)param->hidden_size * sizeof(float);
}

/* bias[r] + w[r][0..in) . x + w[r][in..in+hid) . h for rows [first, first + count) into a */
static void gru_rows(const float *weight, const float *bias, const float *x, const float *h, int32_t in, int32_t hid,
                     int32_t first, int32_t count, float *a) {
  int32_t r, k;
  for (r = first; r < first + count; ++r) {
    const float *w = weight + (size_t)r * (size_t)(in + hid);
    float acc = bias[r];
    for (k = 0; k < in; ++k) {
      acc += x[k] * w[k];
    }
    for (k = 0; k < hid; ++k) {
      acc += h[k] * w[in + k];
    }
    a[r] = acc;
  }
}

static void gru_step(const gru_param_t *param, const float *x_t, const float *weight, const float *bias, float *scratch,
                     float *y_t, float *h) {
  const int32_t batch = param->batch, in = param->input_size, hid = param->hidden_size;
  const int32_t rows = GRU_GATES * hid;
  float *rh = scratch + (size_t)batch * rows;
  int32_t b, j;
  for (b = 0; b < batch; ++b) {
    const float *x = x_t + (size_t)b * in;
    const float *hb = h + (size_t)b * hid;
    float *a = scratch + (size_t)b * rows;
    float *rhb = rh + (size_t)b * hid;
    gru_rows(weight, bias, x, hb, in, hid, 0, 2 * hid, a);
    for (j = 0; j < hid; ++j) {
      rhb[j] = gru_sigmoid(a[GRU_GATE_RESET * hid + j]) * hb[j];
    }
    gru_rows(weight, bias, x, rhb, in, hid, GRU_GATE_HIDDEN * hid, hid, a);
  }
  for (b = 0; b < batch; ++b) {
    const float *a = scratch + (size_t)b * rows;
    float *hb = h + (size_t)b * hid;
    float *y = y_t + (size_t)b * hid;
    for (j = 0; j < hid; ++j) {
      const float z = gru_sigmoid(a[GRU_GATE_UPDATE * hid + j]);
      const float n = tanhf(a[GRU_GATE_HIDDEN * hid + j]);
      hb[j] = z * hb[j] + (1.0f - z) * n;
      y[j] = hb[j];
    }
  }
}

int gru_fp32(const gru_param_t *param, const float *input, const float *weight, const float *bias, const float *h0,
             const int32_t *seq_lens, void *scratch, size_t scratch_size, float *output, float *hidden_out) {
  const int32_t seq = param->seq_len, batch = param->batch, in = param->input_size, hid = param->hidden_size;
  const int32_t dirs = param->num_directions;
  const size_t state = (size_t)batch * hid;
  int32_t valid = seq, d, s, b;
  if (scratch == NULL || scratch_size < gru_fp32_scratch_size(param)) {
    return NNACL_ERR_SCRATCH;
  }
  if (dirs < 1 || dirs > 2 || seq < 0 || batch < 1 || in < 1 || hid < 1) {
    return NNACL_ERR_PARAM;
  }
  if (seq_lens != NULL) {
    for (b = 1; b < batch; ++b) {
      if (seq_lens[b] != seq_lens[0]) {
        return NNACL_ERR_PARAM;
      }
    }
    valid = seq_lens[0] < 0 ? 0 : (seq_lens[0] < seq ? seq_lens[0] : seq);
  }
  memcpy(hidden_out, h0, (size_t)dirs * state * sizeof(float));
  for (d = 0; d < dirs; ++d) {
    const float *w = weight + (size_t)d * GRU_GATES * hid * (size_t)(in + hid);
    const float *bd = bias + (size_t)d * GRU_GATES * hid;
    for (s = 0; s < seq; ++s) {
      const int32_t t = d == 0 ? s : seq - 1 - s;
      gru_step(param, input + (size_t)t * batch * in, w, bd, (float *)scratch,
               output + ((size_t)t * dirs + d) * state, hidden_out + d * state);
    }
  }
  for (s = valid; s < seq; ++s) {
    memset(output + (size_t)s * dirs * state, 0, (size_t)dirs * state * sizeof(float));
  }
  return NNACL_OK;
}
