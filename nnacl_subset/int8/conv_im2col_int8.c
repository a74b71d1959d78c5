/*
 * conv_im2col_int8.c -- int8 convolution (group 1) as im2col + gemm, CONV_GEMM_INT8_TILE (4)
 * output pixels at a time. A pixel's column holds its K = kh * kw * in_c raw int8 inputs in
 * (ky, kx, ic) order, input_zp for padded taps (the bias holds -input_zp * sum(w)); the gemm core
 * (int8/conv_gemm_int8.h) does the rest.
 */
#include "int8/conv_int8.h"
#include "int8/conv_gemm_int8.h"

/* the geometry, copied out of the parameters once (stores through int8_t pointers may alias
 * anything, so fields read in the pixel loop would be reloaded after every store) */
typedef struct {
  int32_t in_h, in_w, in_c, kh, kw, dh, dw, row; /* row: bytes of one input row */
  int8_t zp;
  conv_gemm_int8_run_t run; /* kw * in_c: one kernel row */
} im2col_geom_t;

/* the column of a window starting at (iy0, ix0) with some taps in the padding (or dilation_w > 1) */
static void im2col_border_pixel_int8(const im2col_geom_t *g, const int8_t *in_b, int32_t iy0, int32_t ix0,
                                     int8_t *dst) {
  const int32_t in_c = g->in_c, kw = g->kw, dw = g->dw;
  /* the taps kx in [kx_lo, kx_hi) are inside the input row (the same for every ky) */
  int32_t kx_lo = ix0 < 0 ? (-ix0 + dw - 1) / dw : 0;
  int32_t kx_hi = ix0 < g->in_w ? (g->in_w - 1 - ix0) / dw + 1 : 0;
  conv_gemm_int8_run_t left, mid, right, tap;
  int32_t ky, kx;
  kx_hi = kx_hi < kw ? kx_hi : kw;
  kx_lo = kx_lo < kx_hi ? kx_lo : kx_hi;
  left = conv_gemm_int8_run(kx_lo * in_c);
  mid = conv_gemm_int8_run(dw == 1 ? (kx_hi - kx_lo) * in_c : in_c);
  right = conv_gemm_int8_run((kw - kx_hi) * in_c);
  tap = conv_gemm_int8_run(in_c);
  for (ky = 0; ky < g->kh; ++ky, dst += g->run.n) {
    const int32_t iy = iy0 + ky * g->dh;
    const int8_t *src;
    if (iy < 0 || iy >= g->in_h) {
      conv_gemm_int8_fill(dst, g->zp, &g->run);
      continue;
    }
    src = in_b + (size_t)iy * g->row + (size_t)(ix0 + kx_lo * dw) * in_c;
    conv_gemm_int8_fill(dst, g->zp, &left);
    if (dw == 1) { /* one contiguous run of the input row */
      conv_gemm_int8_copy(dst + left.n, src, &mid);
    } else {
      for (kx = kx_lo; kx < kx_hi; ++kx, src += (size_t)dw * in_c) {
        conv_gemm_int8_copy(dst + kx * in_c, src, &tap);
      }
    }
    conv_gemm_int8_fill(dst + kx_hi * in_c, g->zp, &right);
  }
}

/* the column of a window starting at (iy0, ix0): kh runs of kw * in_c bytes when it is inside */
static inline void im2col_pixel_int8(const im2col_geom_t *g, const int8_t *in_b, int32_t iy0, int32_t ix0,
                                     int8_t *dst) {
  if (g->dw == 1 && iy0 >= 0 && ix0 >= 0 && iy0 + (g->kh - 1) * g->dh < g->in_h && ix0 + g->kw <= g->in_w) {
    const size_t row_step = (size_t)g->dh * g->row;
    const int8_t *src = in_b + (size_t)iy0 * g->row + (size_t)ix0 * g->in_c;
    int32_t ky;
    for (ky = g->kh; ky > 0; --ky, dst += g->run.n, src += row_step) {
      conv_gemm_int8_copy(dst, src, &g->run);
    }
  } else {
    im2col_border_pixel_int8(g, in_b, iy0, ix0, dst);
  }
}

void conv_im2col_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *col_buf,
                      int8_t *output) {
  const int32_t out_c = param->out_c, out_h = param->out_h, out_w = param->out_w;
  const int32_t stride_h = param->stride_h, stride_w = param->stride_w;
  const int32_t pad_top = param->pad_top, pad_left = param->pad_left;
  const int32_t k_size = param->kernel_h * param->kernel_w * param->in_c;
  const size_t in_batch = (size_t)param->in_h * param->in_w * param->in_c;
  const int32_t total = param->batch * out_h * out_w;
  const int8_t *col[CONV_GEMM_INT8_TILE];
  im2col_geom_t g;
  int32_t p, t, b = 0, oy = 0, ox = 0;
  g.in_h = param->in_h;
  g.in_w = param->in_w;
  g.in_c = param->in_c;
  g.kh = param->kernel_h;
  g.kw = param->kernel_w;
  g.dh = param->dilation_h;
  g.dw = param->dilation_w;
  g.row = param->in_w * param->in_c;
  g.zp = (int8_t)param->input_zp;
  g.run = conv_gemm_int8_run(param->kernel_w * param->in_c);
  for (t = 0; t < CONV_GEMM_INT8_TILE; ++t) {
    col[t] = col_buf + (size_t)t * k_size;
  }
  for (p = 0; p < total; p += CONV_GEMM_INT8_TILE) {
    const int32_t count = total - p < CONV_GEMM_INT8_TILE ? total - p : CONV_GEMM_INT8_TILE;
    for (t = 0; t < count; ++t) { /* pixel p + t is (b, oy, ox) */
      im2col_pixel_int8(&g, input + (size_t)b * in_batch, oy * stride_h - pad_top, ox * stride_w - pad_left,
                        col_buf + (size_t)t * k_size);
      if (++ox == out_w) {
        ox = 0;
        if (++oy == out_h) {
          oy = 0;
          ++b;
        }
      }
    }
    conv_gemm_int8_pixels(param, col, count, k_size, weight, bias, multiplier, shift, output + (size_t)p * out_c);
  }
}
