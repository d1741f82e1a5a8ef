import { z } from 'zod';

/**
 * The name every configured device carries. It appears in log fields, MQTT health topics and lanectl
 * output, so it is kept short, lower-case and shell-safe. Uniqueness across the device list is checked by
 * the settings module (a single device schema cannot see its siblings).
 */
export const DEVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

export const deviceNameSchema = z
  .string()
  .regex(DEVICE_NAME_PATTERN, {
    message: 'must start with a lower-case letter and contain only a-z, 0-9 and "-" (at most 40 characters)',
  });
