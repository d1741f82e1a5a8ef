import type { Detail, Screen } from './display-state.js';
import type { Lang } from './languages.js';

/**
 * Everything the lane display can say, in Vietnamese, Simplified Chinese and English. Short imperative
 * lines readable at a glance from 2 m; polite forms ("Vui lòng", "请") as a border post addresses the
 * public. The page never builds sentences: it shows these strings and nothing else, so adding a screen
 * means adding it here in all three languages (a unit test refuses a missing or empty entry).
 */
export interface ScreenText {
  title: string;
  hint?: string;
}

export const SCREEN_MESSAGES: Readonly<Record<Screen, Readonly<Record<Lang, ScreenText>>>> = {
  idle: {
    vi: { title: 'Làn đang mở', hint: 'Xin mời tiến lên' },
    zh: { title: '通道开放', hint: '请上前' },
    en: { title: 'Lane open', hint: 'Please come forward' },
  },
  'scan-credential': {
    vi: { title: 'Vui lòng quét mã QR', hint: 'Đưa mã vào dưới đầu đọc' },
    zh: { title: '请扫描二维码', hint: '请将二维码放在扫描器下方' },
    en: { title: 'Scan your QR code', hint: 'Hold the code under the reader' },
  },
  'look-at-camera': {
    vi: { title: 'Vui lòng nhìn vào camera', hint: 'Bỏ mũ và kính râm' },
    zh: { title: '请看摄像头', hint: '请摘下帽子和墨镜' },
    en: { title: 'Look at the camera', hint: 'Remove hat and sunglasses' },
  },
  enter: {
    vi: { title: 'Mời bạn bước vào' },
    zh: { title: '请进入通道' },
    en: { title: 'Please step in' },
  },
  processing: {
    vi: { title: 'Vui lòng chờ', hint: 'Đang kiểm tra' },
    zh: { title: '请稍候', hint: '正在核验' },
    en: { title: 'Please wait', hint: 'Checking' },
  },
  'try-again': {
    vi: { title: 'Vui lòng thử lại' },
    zh: { title: '请重试' },
    en: { title: 'Please try again' },
  },
  proceed: {
    vi: { title: 'Mời đi tiếp', hint: 'Xin cảm ơn' },
    zh: { title: '请通行', hint: '谢谢' },
    en: { title: 'Proceed', hint: 'Thank you' },
  },
  'wait-officer': {
    vi: { title: 'Vui lòng chờ cán bộ' },
    zh: { title: '请等候工作人员' },
    en: { title: 'Please wait for an officer' },
  },
  denied: {
    vi: { title: 'Không được phép qua', hint: 'Vui lòng đến quầy có cán bộ' },
    zh: { title: '无法通行', hint: '请前往人工通道办理' },
    en: { title: 'Passage not permitted', hint: 'Please go to a staffed counter' },
  },
  'vehicle-advance': {
    vi: { title: 'Cho xe tiến lên chậm' },
    zh: { title: '请缓慢向前行驶' },
    en: { title: 'Drive forward slowly' },
  },
  'vehicle-stop': {
    vi: { title: 'Dừng lại', hint: 'Chờ đèn xanh' },
    zh: { title: '请停车', hint: '请等待绿灯' },
    en: { title: 'Stop', hint: 'Wait for the green light' },
  },
  'vehicle-proceed': {
    vi: { title: 'Mời xe đi tiếp', hint: 'Xin cảm ơn' },
    zh: { title: '请继续行驶', hint: '谢谢' },
    en: { title: 'Drive on', hint: 'Thank you' },
  },
  'lane-closed': {
    vi: { title: 'Làn đã đóng', hint: 'Vui lòng sang làn khác' },
    zh: { title: '通道关闭', hint: '请使用其他通道' },
    en: { title: 'Lane closed', hint: 'Please use another lane' },
  },
  'emergency-exit': {
    vi: { title: 'Khẩn cấp: cửa đã mở', hint: 'Hãy bình tĩnh rời đi' },
    zh: { title: '紧急情况：出口已开启', hint: '请保持冷静，有序离开' },
    en: { title: 'Emergency: exit open', hint: 'Leave calmly' },
  },
};

export const DETAIL_MESSAGES: Readonly<Record<Detail, Readonly<Record<Lang, string>>>> = {
  'code-unreadable': {
    vi: 'Không đọc được mã hoặc giấy tờ',
    zh: '无法读取二维码或证件',
    en: 'The code or document could not be read',
  },
  'credential-needed': { vi: 'Chưa quét giấy tờ', zh: '尚未扫描证件', en: 'No pass has been scanned' },
  'credential-not-valid': {
    vi: 'Giấy tờ không hợp lệ cho làn này',
    zh: '该证件不适用于本通道',
    en: 'This pass is not valid for this lane',
  },
  'credential-expired': { vi: 'Giấy tờ đã hết hạn', zh: '证件已过期', en: 'Your pass has expired' },
  'credential-not-yet-valid': { vi: 'Giấy tờ chưa có hiệu lực', zh: '证件尚未生效', en: 'Your pass is not valid yet' },
  'credential-already-used': { vi: 'Mã này đã được sử dụng', zh: '该二维码已使用', en: 'This code has already been used' },
  'face-not-seen': { vi: 'Camera chưa thấy rõ khuôn mặt', zh: '未能看清面部', en: 'Your face could not be seen' },
  'face-not-verified': { vi: 'Không xác minh được khuôn mặt', zh: '人脸核验未通过', en: 'Your face could not be verified' },
  'one-at-a-time': { vi: 'Mỗi lần chỉ một người', zh: '请逐一通过', en: 'One person at a time' },
  'wrong-way': { vi: 'Đi sai chiều', zh: '方向错误', en: 'Wrong direction' },
  'lane-unavailable': {
    vi: 'Làn này tạm thời không kiểm tra được',
    zh: '本通道暂时无法核验',
    en: 'This lane cannot check you now',
  },
  'driver-pass-needed': { vi: 'Tài xế vui lòng quét giấy tờ', zh: '请驾驶员扫描证件', en: 'Driver: please scan your pass' },
  'plate-unread': { vi: 'Không đọc được biển số xe', zh: '未能识别车牌', en: 'Number plate not read' },
  'vehicle-tag-unread': { vi: 'Không đọc được thẻ xe', zh: '未能读取车辆电子标签', en: 'Vehicle tag not read' },
  'vehicle-not-authorised': {
    vi: 'Xe chưa được phép qua làn này',
    zh: '车辆未获准通过本通道',
    en: 'Vehicle not authorised for this lane',
  },
  'cargo-not-cleared': { vi: 'Hàng hóa chưa được thông quan', zh: '货物尚未放行', en: 'Cargo not yet cleared' },
  'cargo-inspection': { vi: 'Vui lòng đưa xe vào khu kiểm tra', zh: '请驶往查验区', en: 'Please drive to the inspection area' },
  'reverse-out': { vi: 'Vui lòng lùi xe ra khỏi làn', zh: '请倒车驶离本通道', en: 'Please reverse out of the lane' },
};

/**
 * Shown by the page itself when it has heard nothing from the daemon for a while: the last instruction
 * may be stale (a "Proceed" left standing), so the page replaces it with this.
 */
export const OFFLINE_MESSAGES: Readonly<Record<Lang, ScreenText>> = {
  vi: { title: 'Màn hình mất kết nối', hint: 'Vui lòng chờ cán bộ' },
  zh: { title: '显示屏已离线', hint: '请等候工作人员' },
  en: { title: 'Display offline', hint: 'Please wait for an officer' },
};
