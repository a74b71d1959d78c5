/*
 * deconv_int8.c -- int8 deconvolution as a gather over the output: every output pixel sums
 * the taps that reach an input pixel into int32 accumulators (scratch), then requantizes.
 */
#include "int8/deconv_int8.h"

#include "base/deconv_tap.h"

size_t deconv_int8_scratch_size(const deconv_param_t *param) {
  return (size_t)param->out_c * sizeof(int32_t);
}

int deconv_int8(const deconv_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
                const int32_t *multiplier, const int32_t *shift, void *scratch, size_t scratch_size,
                int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t out_h = param->out_h, out_w = param->out_w, out_c = param->out_c;
  const int32_t kh = param->kernel_h, kw = param->kernel_w;
  const int32_t group = param->group > 0 ? param->group : 1;
  const int32_t icg = in_c / group, ocg = out_c / group;
  int32_t *acc = (int32_t *)scratch;
  int32_t b, oy, ox, oc;

  if (scratch == NULL || scratch_size < deconv_int8_scratch_size(param)) {
    return NNACL_ERR_SCRATCH;
  }
  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < out_h; ++oy) {
      for (ox = 0; ox < out_w; ++ox) {
        int8_t *out = output + (((size_t)b * out_h + oy) * out_w + ox) * out_c;
        int32_t ky, kx;
        for (oc = 0; oc < out_c; ++oc) {
          acc[oc] = bias != NULL ? bias[oc] : 0;
        }
        for (ky = 0; ky < kh; ++ky) {
          const int32_t iy = deconv_tap_input(oy, ky, param->stride_h, param->dilation_h, param->pad_top, in_h);
          if (iy < 0) {
            continue;
          }
          for (kx = 0; kx < kw; ++kx) {
            const int32_t ix = deconv_tap_input(ox, kx, param->stride_w, param->dilation_w, param->pad_left, in_w);
            const int8_t *x;
            int32_t ic;
            if (ix < 0) {
              continue;
            }
            x = in_b + ((size_t)iy * in_w + ix) * in_c;
            for (ic = 0; ic < in_c; ++ic) {
              const int32_t xv = (int32_t)x[ic] - param->input_zp;
              const int8_t *w = weight + (((size_t)ic * kh + ky) * kw + kx) * ocg;
              int32_t *a = acc + (size_t)(ic / icg) * ocg;
              int32_t j;
              for (j = 0; j < ocg; ++j) {
                a[j] += xv * (int32_t)w[j];
              }
            }
          }
        }
        for (oc = 0; oc < out_c; ++oc) {
          out[oc] = nnacl_requant_i8(acc[oc], multiplier[oc], shift[oc], param->rounding, param->output_zp,
                                     param->act_min, param->act_max);
        }
      }
    }
  }
  return NNACL_OK;
}
