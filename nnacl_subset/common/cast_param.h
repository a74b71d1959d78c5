/* cast_param.h -- parameters of Cast: element type codes of the source and destination. */
#ifndef NNACL_COMMON_CAST_PARAM_H_
#define NNACL_COMMON_CAST_PARAM_H_

#include "common/nnacl_common.h"

#define CAST_BOOL 1 /* uint8_t 0 / 1 */
#define CAST_INT8 2
#define CAST_INT16 3
#define CAST_INT32 4
#define CAST_INT64 5
#define CAST_UINT8 6
#define CAST_UINT16 7
#define CAST_UINT32 8
#define CAST_UINT64 9
#define CAST_FLOAT16 10 /* uint16_t IEEE binary16 bits */
#define CAST_FLOAT32 11

typedef struct cast_param_t {
  int32_t size; /* elements */
  int32_t src;  /* CAST_* of the input */
  int32_t dst;  /* CAST_* of the output */
} cast_param_t;

#endif /* NNACL_COMMON_CAST_PARAM_H_ */
