/*
 * conv_im2col_int8.c -- int8 convolution (group 1) as im2col + gemm, CONV_GEMM_INT8_TILE (4)
 * output pixels at a time. A pixel's column holds its K = kh * kw * in_c raw int8 inputs in
 * (ky, kx, ic) order, input_zp for padded taps (the bias holds -input_zp * sum(w)); the gemm core
 * (int8/conv_gemm_int8.h) does the rest.
 */
#include "int8/conv_int8.h"
#include "int8/conv_gemm_int8.h"

/* the column of the output pixel whose window starts at (iy0, ix0) of batch item in_b, some taps of
 * it in the padding: K = kh * kw * in_c bytes at dst */
static void im2col_border_pixel_int8(const conv_param_t *param, const int8_t *in_b, int32_t iy0, int32_t ix0,
                                     int8_t *dst) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t kh = param->kernel_h, kw = param->kernel_w, dw = param->dilation_w, run = kw * in_c;
  const int8_t zp = (int8_t)param->input_zp;
  /* the taps kx in [kx_lo, kx_hi) are inside the input row (the same for every ky) */
  int32_t kx_lo = ix0 < 0 ? (-ix0 + dw - 1) / dw : 0;
  int32_t kx_hi = ix0 < in_w ? (in_w - 1 - ix0) / dw + 1 : 0;
  int32_t ky, kx;
  kx_hi = kx_hi < kw ? kx_hi : kw;
  kx_lo = kx_lo < kx_hi ? kx_lo : kx_hi;
  for (ky = 0; ky < kh; ++ky, dst += run) {
    const int32_t iy = iy0 + ky * param->dilation_h;
    const int8_t *src;
    if (iy < 0 || iy >= in_h) {
      memset(dst, zp, (size_t)run);
      continue;
    }
    src = in_b + ((size_t)iy * in_w + (size_t)(ix0 + kx_lo * dw)) * in_c;
    memset(dst, zp, (size_t)(kx_lo * in_c));
    if (dw == 1) { /* one contiguous run of the input row */
      memcpy(dst + kx_lo * in_c, src, (size_t)((kx_hi - kx_lo) * in_c));
    } else {
      for (kx = kx_lo; kx < kx_hi; ++kx, src += (size_t)dw * in_c) {
        memcpy(dst + kx * in_c, src, (size_t)in_c);
      }
    }
    memset(dst + kx_hi * in_c, zp, (size_t)((kw - kx_hi) * in_c));
  }
}

/* the same for a window inside the input: kh runs of kw * in_c bytes when dilation_w is 1 */
static inline void im2col_pixel_int8(const conv_param_t *param, const int8_t *in_b, int32_t iy0, int32_t ix0,
                                     int8_t *dst) {
  const int32_t kh = param->kernel_h, run = param->kernel_w * param->in_c;
  if (param->dilation_w == 1 && iy0 >= 0 && ix0 >= 0 && iy0 + (kh - 1) * param->dilation_h < param->in_h &&
      ix0 + param->kernel_w <= param->in_w) {
    const size_t row_step = (size_t)param->dilation_h * param->in_w * param->in_c;
    const int8_t *src = in_b + ((size_t)iy0 * param->in_w + ix0) * param->in_c;
    int32_t ky;
    for (ky = 0; ky < kh; ++ky, dst += run, src += row_step) {
      conv_gemm_int8_copy(dst, src, run);
    }
  } else {
    im2col_border_pixel_int8(param, in_b, iy0, ix0, dst);
  }
}

void conv_im2col_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *col_buf,
                      int8_t *output) {
  const int32_t out_c = param->out_c;
  const int32_t k_size = param->kernel_h * param->kernel_w * param->in_c;
  const size_t in_batch = (size_t)param->in_h * param->in_w * param->in_c;
  const int32_t total = param->batch * param->out_h * param->out_w;
  const int8_t *col[CONV_GEMM_INT8_TILE];
  int32_t p, t, b = 0, oy = 0, ox = 0;
  for (t = 0; t < CONV_GEMM_INT8_TILE; ++t) {
    col[t] = col_buf + (size_t)t * k_size;
  }
  for (p = 0; p < total; p += CONV_GEMM_INT8_TILE) {
    const int32_t count = total - p < CONV_GEMM_INT8_TILE ? total - p : CONV_GEMM_INT8_TILE;
    for (t = 0; t < count; ++t) { /* pixel p + t is (b, oy, ox) */
      im2col_pixel_int8(param, input + (size_t)b * in_batch, oy * param->stride_h - param->pad_top,
                        ox * param->stride_w - param->pad_left, col_buf + (size_t)t * k_size);
      if (++ox == param->out_w) {
        ox = 0;
        if (++oy == param->out_h) {
          oy = 0;
          ++b;
        }
      }
    }
    conv_gemm_int8_pixels(param, col, count, k_size, weight, bias, multiplier, shift, output + (size_t)p * out_c);
  }
}
