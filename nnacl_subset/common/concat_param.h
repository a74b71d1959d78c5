/* concat_param.h -- parameters of Concat along one axis (byte copies of any dtype; the int8 /
 * uint8 kernel requantizes the inputs whose quantization differs from the output's). */
#ifndef NNACL_COMMON_CONCAT_PARAM_H_
#define NNACL_COMMON_CONCAT_PARAM_H_

#include "common/nnacl_common.h"

typedef struct concat_param_t {
  int32_t num_inputs;
  int32_t outer;          /* product of the dims before the axis */
  /* concat_int8 only */
  int32_t is_unsigned;    /* 1: uint8 data, 0: int8 data */
  int32_t output_zp;
  int32_t qmin;           /* the output dtype's range */
  int32_t qmax;
} concat_param_t;

#endif /* NNACL_COMMON_CONCAT_PARAM_H_ */
