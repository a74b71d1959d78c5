/* deconv_tap.h -- the tap geometry shared by the deconvolution kernels (fp32/deconv_fp32.c,
 * int8/deconv_int8.c): a static inline helper, no public function. See common/deconv_param.h
 * for the geometry. */
#ifndef NNACL_BASE_DECONV_TAP_H_
#define NNACL_BASE_DECONV_TAP_H_

#include "common/deconv_param.h"

/* The input index output position o reads through tap t of a dimension (o = i * stride - pad
 * + t * dilation), or -1 when that tap reaches no input there (off the stride grid, or
 * outside [0, in_n)). */
static inline int32_t deconv_tap_input(int32_t o, int32_t t, int32_t stride, int32_t dilation, int32_t pad,
                                       int32_t in_n) {
  const int32_t num = o + pad - t * dilation;
  int32_t i;
  if (num < 0 || num % stride != 0) {
    return -1;
  }
  i = num / stride;
  return i < in_n ? i : -1;
}

#endif /* NNACL_BASE_DECONV_TAP_H_ */
