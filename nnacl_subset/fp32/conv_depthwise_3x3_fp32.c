/*
 * conv_depthwise_3x3_fp32.c -- fp32 depthwise 3x3 fast path (multiplier 1, dilation 1, any
 * stride and padding). Weights packed HWO [3][3][channels]. Eight channels at a time: two
 * output pixels whose nine taps are all inside the input per nnacl_fp32_dw2_3x3_8, any other
 * pixel over its valid taps (the padded ones skipped) by nnacl_fp32_dw_8. When the channel
 * count is not a multiple of 8 the last block overlaps the one before; fewer than 8
 * channels run one at a time. Sums in (ky, kx) order from 0, bias last.
 */
#include "fp32/conv_fp32.h"
#include "fp32/dot_block_fp32.h"

/* channels of one output pixel over its valid taps */
static void dw3x3_pixel_fp32(const conv_param_t *param, const float *in_b, const float *weight_hwo,
                             const float *bias, int32_t iy0, int32_t ix0, float *out) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->in_c, act = param->act_type;
  const int32_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = NNACL_MIN(3, in_h - iy0);
  const int32_t kx0 = ix0 < 0 ? -ix0 : 0, kx1 = NNACL_MIN(3, in_w - ix0);
  const int32_t rows = ky1 - ky0, cols = kx1 - kx0;
  const float *x;
  const float *w = weight_hwo + (size_t)(ky0 * 3 + kx0) * c_n;
  int32_t c, ky, kx;
  if (rows <= 0 || cols <= 0) { /* no tap inside the input */
    for (c = 0; c < c_n; ++c) {
      out[c] = nnacl_act_fp32(0.0f + bias[c], act);
    }
    return;
  }
  x = in_b + ((size_t)(iy0 + ky0) * in_w + (size_t)(ix0 + kx0)) * c_n;
  if (c_n >= 8) {
    const int32_t x_skip = (in_w - cols) * c_n, w_skip = (3 - cols) * c_n;
    for (c = 0; c < c_n; c += 8) {
      const int32_t c0 = c + 8 <= c_n ? c : c_n - 8;
      nnacl_fp32_dw_8(x + c0, w + c0, c_n, c_n, x_skip, w_skip, rows, cols, bias + c0, out + c0);
      nnacl_fp32_act_inplace(out + c0, 8, act);
    }
    return;
  }
  for (c = 0; c < c_n; ++c) {
    float acc = 0.0f;
    for (ky = 0; ky < rows; ++ky) {
      for (kx = 0; kx < cols; ++kx) {
        acc = nnacl_fp32_madd(acc, x[((size_t)ky * in_w + kx) * c_n + c], w[(size_t)(ky * 3 + kx) * c_n + c]);
      }
    }
    out[c] = nnacl_act_fp32(acc + bias[c], act);
  }
}

void conv_depthwise_3x3_fp32(const conv_param_t *param, const float *input, const float *weight_hwo,
                             const float *bias, float *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->in_c;
  const int32_t sw = param->stride_w, act = param->act_type;
  /* output columns whose three taps are inside the input: ox_lo <= ox < ox_hi */
  const int32_t ox_lo = NNACL_MIN(param->out_w, (param->pad_left + sw - 1) / sw);
  const int32_t last = in_w - 3 + param->pad_left; /* ox * sw <= last */
  const int32_t ox_hi = last < 0 ? ox_lo : NNACL_MAX(ox_lo, NNACL_MIN(param->out_w, last / sw + 1));
  int32_t b, oy, ox, c;

  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      float *out_row = output + ((size_t)b * param->out_h + oy) * param->out_w * c_n;
      const int32_t paired = (iy0 >= 0 && iy0 + 3 <= in_h && c_n >= 8) ? (ox_hi - ox_lo) & ~1 : 0;
      for (ox = 0; ox < param->out_w; ++ox) {
        if (ox == ox_lo && paired > 0) {
          for (; ox < ox_lo + paired; ox += 2) {
            const float *x0 = in_b + ((size_t)iy0 * in_w + (size_t)(ox * sw - param->pad_left)) * c_n;
            float *out0 = out_row + (size_t)ox * c_n;
            for (c = 0; c < c_n; c += 8) {
              const int32_t c0 = c + 8 <= c_n ? c : c_n - 8;
              nnacl_fp32_dw2_3x3_8(x0 + c0, x0 + (size_t)sw * c_n + c0, weight_hwo + c0, c_n, in_w * c_n,
                                   bias + c0, out0 + c0, out0 + c_n + c0);
              nnacl_fp32_act_inplace(out0 + c0, 8, act);
              nnacl_fp32_act_inplace(out0 + c_n + c0, 8, act);
            }
          }
          if (ox >= param->out_w) {
            break;
          }
        }
        dw3x3_pixel_fp32(param, in_b, weight_hwo, bias, iy0, ox * sw - param->pad_left, out_row + (size_t)ox * c_n);
      }
    }
  }
}
