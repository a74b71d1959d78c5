/* Streaming audio feature front end (float32); see audio_feature_fp32.h and, for the numpy twin
 * with the same operation order, micro_codegen/audio.py. */
#include "audio/audio_feature_fp32.h"

#include <math.h>
#include <string.h>

size_t audio_feature_buffer_floats(const audio_feature_param_t *param) {
  const int32_t num_out = param->num_dct > 0 ? param->num_dct : param->num_mel;
  return (size_t)AUDIO_FEATURE_BUFFER_FLOATS(param->frame_length, param->fft_length, param->num_mel, num_out);
}

int audio_feature_init(audio_feature_state_t *state, const audio_feature_param_t *param, float *buffer,
                       size_t buffer_floats) {
  const int32_t n = param->fft_length;
  if (n < 4 || (n & (n - 1)) != 0 || param->frame_length > n || param->hop_length <= 0 ||
      param->hop_length > param->frame_length || buffer_floats < audio_feature_buffer_floats(param)) {
    return -1;
  }
  state->param = param;
  state->prev_sample = 0.0f;
  state->history = buffer;
  state->fft = state->history + param->frame_length;
  state->spectrum = state->fft + n;
  state->mel = state->spectrum + n / 2 + 1;
  state->features = state->mel + param->num_mel;
  memset(buffer, 0, audio_feature_buffer_floats(param) * sizeof(float));
  return 0;
}

float audio_ln_fp32(float x) {
  uint32_t u;
  float m, s, s2, poly;
  int32_t e;
  memcpy(&u, &x, sizeof(u));
  e = (int32_t)((u >> 23) & 0xFFu) - 127;
  u = (u & 0x007FFFFFu) | 0x3F800000u;
  memcpy(&m, &u, sizeof(m));
  if (m > 1.41421356237f) {
    m = m * 0.5f;
    e += 1;
  }
  s = (m - 1.0f) / (m + 1.0f);
  s2 = s * s;
  poly = 1.0f / 9.0f;
  poly = poly * s2 + 1.0f / 7.0f;
  poly = poly * s2 + 1.0f / 5.0f;
  poly = poly * s2 + 1.0f / 3.0f;
  poly = poly * s2 + 1.0f;
  return (float)e * 0.693147180559945f + 2.0f * s * poly;
}

void audio_rfft_power_fp32(const audio_feature_param_t *param, float *data, float *power) {
  const int32_t n = param->fft_length;
  const int32_t m = n / 2;
  const float *wc = param->twiddle_cos;
  const float *ws = param->twiddle_sin;
  int32_t i, j, k, len;
  /* data holds z[k] = data[2k] + i data[2k+1]; bit-reverse its m complex values */
  for (i = 1, j = 0; i < m; ++i) {
    int32_t bit = m >> 1;
    for (; j & bit; bit >>= 1) {
      j ^= bit;
    }
    j ^= bit;
    if (i < j) {
      float t = data[2 * i];
      data[2 * i] = data[2 * j];
      data[2 * j] = t;
      t = data[2 * i + 1];
      data[2 * i + 1] = data[2 * j + 1];
      data[2 * j + 1] = t;
    }
  }
  /* radix-2 decimation in time, twiddle W_len^j = cos - i sin of 2 pi j (n / len) / n */
  for (len = 2; len <= m; len <<= 1) {
    const int32_t half = len >> 1;
    const int32_t step = n / len;
    int32_t start;
    for (start = 0; start < m; start += len) {
      for (j = 0; j < half; ++j) {
        const float wr = wc[j * step];
        const float wi = -ws[j * step];
        float *a = data + 2 * (start + j);
        float *b = data + 2 * (start + j + half);
        const float tr = wr * b[0] - wi * b[1];
        const float ti = wr * b[1] + wi * b[0];
        const float ar = a[0];
        const float ai = a[1];
        b[0] = ar - tr;
        b[1] = ai - ti;
        a[0] = ar + tr;
        a[1] = ai + ti;
      }
    }
  }
  /* split: X[k] = E + W_n^k O, E = (Z[k] + conj Z[m-k]) / 2, O = -i (Z[k] - conj Z[m-k]) / 2 */
  {
    const float r0 = data[0] + data[1];
    const float rm = data[0] - data[1];
    power[0] = r0 * r0 + 0.0f * 0.0f;
    power[m] = rm * rm + 0.0f * 0.0f;
  }
  for (k = 1; k < m; ++k) {
    const float ar = data[2 * k];
    const float ai = data[2 * k + 1];
    const float br = data[2 * (m - k)];
    const float bi = data[2 * (m - k) + 1];
    const float er = 0.5f * (ar + br);
    const float ei = 0.5f * (ai - bi);
    const float orr = 0.5f * (ai + bi);
    const float oi = 0.5f * (br - ar);
    const float wr = wc[k];
    const float wi = -ws[k];
    const float xr = er + (wr * orr - wi * oi);
    const float xi = ei + (wr * oi + wi * orr);
    power[k] = xr * xr + xi * xi;
  }
}

static int8_t audio_quantize(float y, float scale, int32_t zero_point) {
  const float v = y / scale + (float)zero_point;
  if (v >= 127.0f) {
    return 127;
  }
  if (v <= -128.0f) {
    return -128;
  }
  return (int8_t)(int32_t)v; /* truncation toward zero, as the reference's int8 cast */
}

void audio_feature_push(audio_feature_state_t *state, const int16_t *samples, int8_t *out) {
  const audio_feature_param_t *p = state->param;
  const int32_t flen = p->frame_length;
  const int32_t hop = p->hop_length;
  const int32_t nbins = p->fft_length / 2 + 1;
  float *hist = state->history;
  float *spec = state->spectrum;
  float *y = state->mel;
  int32_t i, k, off;

  /* 1. scale, pre-emphasise, shift into the history */
  memmove(hist, hist + hop, (size_t)(flen - hop) * sizeof(float));
  for (i = 0; i < hop; ++i) {
    const float x = (float)samples[i] * p->sample_scale;
    hist[flen - hop + i] = p->preemphasis != 0.0f ? x - p->preemphasis * state->prev_sample : x;
    state->prev_sample = x;
  }
  /* 2. window, zero pad */
  for (i = 0; i < flen; ++i) {
    state->fft[i] = hist[i] * p->window[i];
  }
  for (; i < p->fft_length; ++i) {
    state->fft[i] = 0.0f;
  }
  /* 3-4. spectrum */
  audio_rfft_power_fp32(p, state->fft, spec);
  for (k = 0; k < nbins; ++k) {
    spec[k] = p->magnitude ? sqrtf(spec[k]) : spec[k] * p->power_scale;
  }
  /* 5-7. mel bands, log, affine, clip */
  for (i = 0, off = 0; i < p->num_mel; ++i) {
    const float *w = p->mel_weights + off;
    const float *s = spec + p->mel_start[i];
    float acc = 0.0f;
    float v;
    for (k = 0; k < p->mel_len[i]; ++k) {
      acc = acc + w[k] * s[k];
    }
    off += p->mel_len[i];
    v = acc + p->log_add;
    v = v > p->log_floor ? v : p->log_floor;
    v = p->log_mult * audio_ln_fp32(v);
    if (p->post_add != 0.0f || p->post_mul != 1.0f) {
      v = (v + p->post_add) * p->post_mul;
    }
    if (p->clip) {
      v = v > p->clip_lo ? v : p->clip_lo;
      v = v < p->clip_hi ? v : p->clip_hi;
    }
    y[i] = v;
  }
  /* 8. DCT-II (MFCC) or the bands themselves */
  if (p->num_dct > 0) {
    for (k = 0; k < p->num_dct; ++k) {
      const float *row = p->dct + k * p->num_mel;
      float acc = 0.0f;
      for (i = 0; i < p->num_mel; ++i) {
        acc = acc + row[i] * y[i];
      }
      state->features[k] = acc;
    }
  } else {
    memcpy(state->features, y, (size_t)p->num_mel * sizeof(float));
  }
  /* 9. quantize */
  {
    const int32_t num_out = p->num_dct > 0 ? p->num_dct : p->num_mel;
    for (k = 0; k < num_out; ++k) {
      out[k] = audio_quantize(state->features[k], p->out_scale, p->out_zero_point);
    }
  }
}
