/*
 * pooling_int8.h -- int8 AvgPool / MaxPool (NHWC), TFLite reference semantics.
 * avg: sum of the valid taps, divided by their count rounding half away from zero.
 */
#ifndef NNACL_INT8_POOLING_INT8_H_
#define NNACL_INT8_POOLING_INT8_H_

#include "common/pooling_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void avgpool_int8(const pooling_param_t *param, const int8_t *input, int8_t *output);
void maxpool_int8(const pooling_param_t *param, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_POOLING_INT8_H_ */
