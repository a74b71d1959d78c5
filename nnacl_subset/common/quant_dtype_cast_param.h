/* quant_dtype_cast_param.h -- parameters of QuantDTypeCast (fp32 <-> int8). */
#ifndef NNACL_COMMON_QUANT_CAST_PARAM_H_
#define NNACL_COMMON_QUANT_CAST_PARAM_H_

#include "common/nnacl_common.h"

typedef struct quant_dtype_cast_param_t {
  int32_t size;        /* elements */
  float scale;
  int32_t zero_point;
} quant_dtype_cast_param_t;

#endif /* NNACL_COMMON_QUANT_CAST_PARAM_H_ */
