/*
 * conv_im2col_int8.c -- int8 convolution (group 1) as im2col + gemm, CONV_IM2COL_TILE
 * output pixels at a time. The column buffer holds the raw int8 inputs in (ky, kx, ic)
 * order, with the input zero point for padded taps (the bias holds -zp * sum(w)); one weight row
 * (OHWI) against the columns of the tile is one pass of nnacl_dot_s8_x4w1.
 */
#include "int8/conv_int8.h"
#include "int8/dot_int8.h"

/* fill the columns of `count` consecutive output pixels starting at flat pixel `p0` */
static void im2col_tile_int8(const conv_param_t *param, const int8_t *in_b, int32_t p0, int32_t count,
                             int8_t *col) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t kh = param->kernel_h, kw = param->kernel_w;
  const int32_t k_size = kh * kw * in_c;
  const int8_t zp = (int8_t)param->input_zp;
  int32_t t;
  for (t = 0; t < count; ++t) {
    const int32_t p = p0 + t;
    const int32_t oy = p / param->out_w, ox = p % param->out_w;
    const int32_t iy0 = oy * param->stride_h - param->pad_top;
    const int32_t ix0 = ox * param->stride_w - param->pad_left;
    int8_t *dst = col + (size_t)t * k_size;
    int32_t ky, kx;
    for (ky = 0; ky < kh; ++ky) {
      const int32_t iy = iy0 + ky * param->dilation_h;
      for (kx = 0; kx < kw; ++kx) {
        const int32_t ix = ix0 + kx * param->dilation_w;
        if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
          memset(dst, zp, (size_t)in_c);
        } else {
          memcpy(dst, in_b + ((size_t)iy * in_w + ix) * in_c, (size_t)in_c);
        }
        dst += in_c;
      }
    }
  }
}

void conv_im2col_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *col_buf,
                      int8_t *output) {
  const int32_t out_c = param->out_c;
  const int32_t k_size = param->kernel_h * param->kernel_w * param->in_c;
  const int32_t pixels = param->out_h * param->out_w;
  const int32_t in_offset = 0; /* folded into the bias */
  int32_t b, p0, oc, t;

  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * param->in_h * param->in_w * param->in_c;
    int8_t *out_b = output + (size_t)b * pixels * out_c;
    for (p0 = 0; p0 < pixels; p0 += CONV_IM2COL_TILE) {
      const int32_t count = NNACL_MIN(CONV_IM2COL_TILE, pixels - p0);
      im2col_tile_int8(param, in_b, p0, count, col_buf);
      for (oc = 0; oc < out_c; ++oc) {
        const int8_t *w = weight + (size_t)oc * k_size;
        int32_t acc[CONV_IM2COL_TILE];
        if (count == CONV_IM2COL_TILE) {
          acc[0] = acc[1] = acc[2] = acc[3] = bias[oc];
          nnacl_dot_s8_x4w1(col_buf, col_buf + k_size, col_buf + 2 * k_size, col_buf + 3 * k_size, w, k_size,
                            in_offset, acc);
        } else {
          for (t = 0; t < count; ++t) {
            acc[t] = nnacl_dot_s8(col_buf + (size_t)t * k_size, w, k_size, in_offset, bias[oc]);
          }
        }
        for (t = 0; t < count; ++t) {
          out_b[(size_t)(p0 + t) * out_c + oc] = nnacl_requant_i8(acc[t], multiplier[oc], shift[oc], param->rounding,
                                                                  param->output_zp, param->act_min, param->act_max);
        }
      }
    }
  }
}
