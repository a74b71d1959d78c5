/*
 * conv_hybrid_fp32.c -- hybrid convolution: fp32 activations, int8 weights. Each batch
 * item is quantized on the fly (one scale and zero point for the whole item), the
 * convolution runs in int32 on (q - zero point) and the result is scaled back to float
 * per output channel (see fp32/conv_fp32.h for the three modes).
 */
#include "fp32/conv_fp32.h"

typedef struct hybrid_quant_t {
  float inv;   /* multiplier applied to x before rounding */
  float scale; /* input scale s */
  int32_t zp;  /* input zero point z (0 when symmetric) */
  int32_t qmin;
  int32_t qmax;
} hybrid_quant_t;

size_t conv_hybrid_fp32_scratch_size(const conv_param_t *param) {
  if (param->variant == CONV_VARIANT_IM2COL) {
    return (size_t)CONV_IM2COL_TILE * (size_t)param->kernel_h * (size_t)param->kernel_w * (size_t)param->in_c *
           sizeof(int16_t);
  }
  return 0;
}

static double abs_f64(double v) {
  return v < 0.0 ? -v : v;
}

/* round half away from zero of a double known to lie in (-128, 127) */
static int32_t round_away_f64(double v) {
  int32_t t = (int32_t)v;
  const double frac = v - (double)t;
  if (frac >= 0.5) {
    ++t;
  } else if (frac <= -0.5) {
    --t;
  }
  return t;
}

/* the quantization of one batch item (TFLite Symmetric/AsymmetricQuantizeFloats) */
static hybrid_quant_t hybrid_quant_params(const float *x, size_t n, int32_t mode) {
  hybrid_quant_t hq;
  size_t i;
  if (mode == CONV_HYBRID_SYMMETRIC) {
    float r = 0.0f;
    for (i = 0; i < n; ++i) {
      const float a = x[i] < 0.0f ? -x[i] : x[i];
      r = a > r ? a : r;
    }
    hq.inv = r == 0.0f ? 0.0f : 127.0f / r;
    hq.scale = r == 0.0f ? 1.0f : r / 127.0f;
    hq.zp = 0;
    hq.qmin = -127;
    hq.qmax = 127;
  } else {
    float rmin = 0.0f, rmax = 0.0f;
    for (i = 0; i < n; ++i) {
      rmin = x[i] < rmin ? x[i] : rmin;
      rmax = x[i] > rmax ? x[i] : rmax;
    }
    hq.qmin = -128;
    hq.qmax = 127;
    if (rmin == rmax) {
      hq.inv = 0.0f;
      hq.scale = 1.0f;
      hq.zp = 0;
    } else {
      const float scale = (rmax - rmin) / 255.0f;
      const double sd = (double)scale;
      const double zp_from_min = -128.0 - (double)rmin / sd;
      const double zp_from_max = 127.0 - (double)rmax / sd;
      const double err_min = 128.0 + abs_f64((double)rmin / sd);
      const double err_max = 127.0 + abs_f64((double)rmax / sd);
      const double zp = err_min < err_max ? zp_from_min : zp_from_max;
      hq.zp = zp <= -128.0 ? -128 : (zp >= 127.0 ? 127 : round_away_f64(zp));
      hq.scale = scale;
      hq.inv = 1.0f / scale;
    }
  }
  return hq;
}

/* q - z of one input value */
static int32_t hybrid_q(float x, const hybrid_quant_t *hq) {
  const int32_t q = nnacl_round_away_f32((float)hq->zp + x * hq->inv);
  return (q < hq->qmin ? hq->qmin : (q > hq->qmax ? hq->qmax : q)) - hq->zp;
}

static float hybrid_out(const conv_param_t *param, int32_t acc, const hybrid_quant_t *hq, float w_scale,
                        float bias) {
  float v;
  if (param->hybrid_mode == CONV_HYBRID_ASYM) {
    v = ((float)acc * w_scale) * hq->scale;
  } else if (param->hybrid_mode == CONV_HYBRID_ASYM_DW) {
    v = (float)acc * (w_scale * hq->scale);
  } else {
    v = (float)acc * (hq->scale * w_scale);
  }
  return nnacl_act_fp32(v + bias, param->act_type);
}

static void hybrid_im2col(const conv_param_t *param, const int8_t *weight, const float *weight_scale,
                          const float *bias, const float *in_b, const hybrid_quant_t *hq, int16_t *col,
                          float *out_b) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t kh = param->kernel_h, kw = param->kernel_w, out_c = param->out_c;
  const int32_t k_size = kh * kw * in_c;
  const int32_t pixels = param->out_h * param->out_w;
  int32_t p0, t, oc, k;
  for (p0 = 0; p0 < pixels; p0 += CONV_IM2COL_TILE) {
    const int32_t count = NNACL_MIN(CONV_IM2COL_TILE, pixels - p0);
    for (t = 0; t < count; ++t) {
      const int32_t p = p0 + t;
      const int32_t oy = p / param->out_w, ox = p % param->out_w;
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      const int32_t ix0 = ox * param->stride_w - param->pad_left;
      int16_t *dst = col + (size_t)t * k_size;
      int32_t ky, kx, ic;
      for (ky = 0; ky < kh; ++ky) {
        const int32_t iy = iy0 + ky * param->dilation_h;
        for (kx = 0; kx < kw; ++kx) {
          const int32_t ix = ix0 + kx * param->dilation_w;
          if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
            for (ic = 0; ic < in_c; ++ic) {
              dst[ic] = 0;
            }
          } else {
            const float *src = in_b + ((size_t)iy * in_w + ix) * in_c;
            for (ic = 0; ic < in_c; ++ic) {
              dst[ic] = (int16_t)hybrid_q(src[ic], hq);
            }
          }
          dst += in_c;
        }
      }
    }
    for (oc = 0; oc < out_c; ++oc) {
      const int8_t *w = weight + (size_t)oc * k_size;
      for (t = 0; t < count; ++t) {
        const int16_t *c = col + (size_t)t * k_size;
        int32_t acc = 0;
        for (k = 0; k < k_size; ++k) {
          acc += (int32_t)c[k] * (int32_t)w[k];
        }
        out_b[(size_t)(p0 + t) * out_c + oc] = hybrid_out(param, acc, hq, weight_scale[oc], bias[oc]);
      }
    }
  }
}

static void hybrid_direct(const conv_param_t *param, const int8_t *weight, const float *weight_scale,
                          const float *bias, const float *in_b, const hybrid_quant_t *hq, float *out_b) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t kh = param->kernel_h, kw = param->kernel_w, out_c = param->out_c;
  const int32_t group = param->group > 0 ? param->group : 1;
  const int32_t icg = in_c / group, ocg = out_c / group;
  int32_t oy, ox, oc, ky, kx, ic;
  for (oy = 0; oy < param->out_h; ++oy) {
    const int32_t iy0 = oy * param->stride_h - param->pad_top;
    for (ox = 0; ox < param->out_w; ++ox) {
      const int32_t ix0 = ox * param->stride_w - param->pad_left;
      float *out = out_b + ((size_t)oy * param->out_w + ox) * out_c;
      for (oc = 0; oc < out_c; ++oc) {
        const int32_t g = oc / ocg;
        int32_t acc = 0;
        for (ky = 0; ky < kh; ++ky) {
          const int32_t iy = iy0 + ky * param->dilation_h;
          if (iy < 0 || iy >= in_h) {
            continue;
          }
          for (kx = 0; kx < kw; ++kx) {
            const int32_t ix = ix0 + kx * param->dilation_w;
            const float *x;
            const int8_t *w;
            if (ix < 0 || ix >= in_w) {
              continue;
            }
            x = in_b + ((size_t)iy * in_w + ix) * in_c + (size_t)g * icg;
            w = weight + (((size_t)oc * kh + ky) * kw + kx) * icg;
            for (ic = 0; ic < icg; ++ic) {
              acc += hybrid_q(x[ic], hq) * (int32_t)w[ic];
            }
          }
        }
        out[oc] = hybrid_out(param, acc, hq, weight_scale[oc], bias[oc]);
      }
    }
  }
}

int conv_hybrid_fp32(const conv_param_t *param, const float *input, const int8_t *weight,
                     const float *weight_scale, const float *bias, void *scratch, size_t scratch_size,
                     float *output) {
  const size_t in_size = (size_t)param->in_h * param->in_w * param->in_c;
  const size_t out_size = (size_t)param->out_h * param->out_w * param->out_c;
  int32_t b;
  if (param->variant == CONV_VARIANT_IM2COL &&
      (scratch == NULL || scratch_size < conv_hybrid_fp32_scratch_size(param))) {
    return NNACL_ERR_SCRATCH;
  }
  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_size;
    const hybrid_quant_t hq = hybrid_quant_params(in_b, in_size, param->hybrid_mode);
    if (param->variant == CONV_VARIANT_IM2COL) {
      hybrid_im2col(param, weight, weight_scale, bias, in_b, &hq, (int16_t *)scratch, output + (size_t)b * out_size);
    } else {
      hybrid_direct(param, weight, weight_scale, bias, in_b, &hq, output + (size_t)b * out_size);
    }
  }
  return NNACL_OK;
}
