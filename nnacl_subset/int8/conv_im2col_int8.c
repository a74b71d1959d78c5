/*
 * conv_im2col_int8.c -- int8 convolution (group 1) as im2col + gemm, CONV_GEMM_INT8_TILE (2)
 * output pixels at a time. A pixel's column holds the raw int8 inputs in (ky, kx, ic) order,
 * input_zp for padded taps (the bias holds -input_zp * sum(w)), then zeros up to K rounded up to
 * 4 (zero-weighted taps of the packed weights); the gemm core (int8/conv_gemm_int8.h) does the rest.
 */
#include "int8/conv_int8.h"
#include "int8/conv_gemm_int8.h"

/* the column of output pixel (oy, ox) of batch item in_b: K = kh * kw * in_c bytes at dst */
static void im2col_pixel_int8(const conv_param_t *param, const int8_t *in_b, int32_t oy, int32_t ox, int8_t *dst) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t kh = param->kernel_h, kw = param->kernel_w, run = kw * in_c;
  const int32_t iy0 = oy * param->stride_h - param->pad_top;
  const int32_t ix0 = ox * param->stride_w - param->pad_left;
  const int8_t zp = (int8_t)param->input_zp;
  /* the kw taps of a kernel row are one contiguous run of the input row when they are all inside */
  const int row_inside = param->dilation_w == 1 && ix0 >= 0 && ix0 + kw <= in_w;
  int32_t ky, kx;
  for (ky = 0; ky < kh; ++ky, dst += run) {
    const int32_t iy = iy0 + ky * param->dilation_h;
    const int8_t *row = in_b + (size_t)iy * in_w * in_c;
    if (iy < 0 || iy >= in_h) {
      conv_gemm_int8_fill(dst, zp, run);
    } else if (row_inside) {
      conv_gemm_int8_copy(dst, row + (size_t)ix0 * in_c, run);
    } else {
      for (kx = 0; kx < kw; ++kx) {
        const int32_t ix = ix0 + kx * param->dilation_w;
        if (ix < 0 || ix >= in_w) {
          conv_gemm_int8_fill(dst + kx * in_c, zp, in_c);
        } else {
          conv_gemm_int8_copy(dst + kx * in_c, row + (size_t)ix * in_c, in_c);
        }
      }
    }
  }
}

void conv_im2col_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *col_buf,
                      int8_t *output) {
  const int32_t out_c = param->out_c, out_w = param->out_w;
  const int32_t k_size = param->kernel_h * param->kernel_w * param->in_c;
  const int32_t k4 = (k_size + 3) & ~3; /* column stride; taps [k_size, k4) stay 0 */
  const int32_t pixels = param->out_h * out_w, total = param->batch * pixels;
  const size_t in_batch = (size_t)param->in_h * param->in_w * param->in_c;
  int8_t *col1 = col_buf + k4;
  int32_t p;
  memset(col_buf, 0, (size_t)CONV_GEMM_INT8_TILE * (size_t)k4);
  for (p = 0; p < total; p += CONV_GEMM_INT8_TILE) {
    const int32_t b = p / pixels, q = p % pixels;
    const int two = p + 1 < total;
    im2col_pixel_int8(param, input + (size_t)b * in_batch, q / out_w, q % out_w, col_buf);
    if (two) {
      const int32_t b1 = (p + 1) / pixels, q1 = (p + 1) % pixels;
      im2col_pixel_int8(param, input + (size_t)b1 * in_batch, q1 / out_w, q1 % out_w, col1);
    }
    conv_gemm_int8_pixels(param, col_buf, two ? col1 : NULL, k4, weight, bias, multiplier, shift,
                          output + (size_t)p * out_c, two ? output + (size_t)(p + 1) * out_c : NULL);
  }
}
