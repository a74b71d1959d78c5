/* resize_int8.h -- int8 bilinear Resize (NHWC), TFLite RESIZE_BILINEAR int8 reference kernel:
 * 10-bit fixed point on the raw values (input and output share quantization).
 * y_index / x_index: (lo, hi) per output coordinate; y_frac / x_frac: the 10-bit fraction
 * (s - 1024 lo, may be negative). out = (sum of the 4 corners times their 20-bit weights
 * +/- 2^19) / 2^20, C truncation, the nudge's sign that of the sum. */
#ifndef NNACL_INT8_RESIZE_INT8_H_
#define NNACL_INT8_RESIZE_INT8_H_

#include "common/resize_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void resize_bilinear_int8(const resize_param_t *param, const int8_t *input, const int32_t *y_index,
                          const int32_t *y_frac, const int32_t *x_index, const int32_t *x_frac, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_RESIZE_INT8_H_ */
