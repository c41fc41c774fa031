# Bare attrset module; the path sits where the config name goes: settings."/var/lib/kubelet".d (missing the config-name level). Finding: line 3 (`"/var/lib/kubelet".d = {`).
{
  systemd.tmpfiles.settings."/var/lib/kubelet".d = {
    mode = "0750";
    user = "root";
    group = "root";
  };
  systemd.tmpfiles.rules = [
    "d /var/lib/kubelet/pods 0750 root root -"
  ];
}
