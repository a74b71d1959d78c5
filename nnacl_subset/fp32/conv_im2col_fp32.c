/*
 * conv_im2col_fp32.c -- fp32 convolution (group 1) as im2col + gemm, CONV_IM2COL_TILE
 * output pixels at a time (nnacl_fp32_gemm: blocks of 2 pixels x 4 output channels).
 * Columns are in (ky, kx, ic) order with 0.0f for padded taps, so each dot product adds
 * the direct kernel's terms in the same order (a padded tap adds +-0, which leaves a sum
 * unchanged up to the sign of a zero).
 */
#include "fp32/conv_fp32.h"
#include "fp32/dot_block_fp32.h"

static void im2col_zero_fp32(float *dst, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    dst[i] = 0.0f;
  }
}

void conv_im2col_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
                      float *col_buf, float *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t kh = param->kernel_h, kw = param->kernel_w;
  const int32_t out_c = param->out_c;
  const int32_t k_size = kh * kw * in_c;
  const int32_t pixels = param->out_h * param->out_w;
  int32_t b, p0, t;

  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_h * in_w * in_c;
    float *out_b = output + (size_t)b * pixels * out_c;
    for (p0 = 0; p0 < pixels; p0 += CONV_IM2COL_TILE) {
      const int32_t count = NNACL_MIN(CONV_IM2COL_TILE, pixels - p0);
      for (t = 0; t < count; ++t) {
        const int32_t p = p0 + t;
        const int32_t oy = p / param->out_w, ox = p % param->out_w;
        const int32_t iy0 = oy * param->stride_h - param->pad_top;
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        float *dst = col_buf + (size_t)t * k_size;
        int32_t ky, kx;
        if (param->dilation_w == 1 && iy0 >= 0 && iy0 + (kh - 1) * param->dilation_h < in_h && ix0 >= 0 &&
            ix0 + kw <= in_w) { /* every tap inside: kh runs of kw * in_c floats */
          nnacl_fp32_copy_rows(dst, in_b + ((size_t)iy0 * in_w + (size_t)ix0) * in_c, kw * in_c, kh,
                               (param->dilation_h * in_w - kw) * in_c);
          continue;
        }
        for (ky = 0; ky < kh; ++ky) {
          const int32_t iy = iy0 + ky * param->dilation_h;
          const float *row = in_b + (size_t)NNACL_MAX(iy, 0) * in_w * in_c;
          if (iy < 0 || iy >= in_h) {
            im2col_zero_fp32(dst, kw * in_c);
          } else if (param->dilation_w == 1) { /* the taps inside the input are contiguous */
            const int32_t kx0 = NNACL_MIN(kw, NNACL_MAX(0, -ix0));
            const int32_t kx1 = NNACL_MAX(kx0, NNACL_MIN(kw, in_w - ix0));
            im2col_zero_fp32(dst, kx0 * in_c);
            if (kx1 > kx0) {
              nnacl_fp32_copy(dst + kx0 * in_c, row + (size_t)(ix0 + kx0) * in_c, (kx1 - kx0) * in_c);
            }
            im2col_zero_fp32(dst + kx1 * in_c, (kw - kx1) * in_c);
          } else {
            for (kx = 0; kx < kw; ++kx) {
              const int32_t ix = ix0 + kx * param->dilation_w;
              if (ix < 0 || ix >= in_w) {
                im2col_zero_fp32(dst + kx * in_c, in_c);
              } else {
                nnacl_fp32_copy(dst + kx * in_c, row + (size_t)ix * in_c, in_c);
              }
            }
          }
          dst += kw * in_c;
        }
      }
      nnacl_fp32_gemm(col_buf, (size_t)k_size, count, weight, k_size, out_c, bias, param->act_type,
                      out_b + (size_t)p0 * out_c, (size_t)out_c);
    }
  }
}
