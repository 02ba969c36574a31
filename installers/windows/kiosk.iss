; Inno Setup 6 script: the Windows installer of Village Kiosk (村站).
;
; Build on Windows after the PyInstaller bundle (same spec as Linux):
;   python -m PyInstaller --noconfirm --distpath dist --workpath build\pyinstaller installers\kiosk.spec
;   iscc /DAppVersion=0.1.0 installers\windows\kiosk.iss
; The CI workflow installers/windows/build-windows.yml does both. This script cannot be compiled
; or tested on Linux.
;
; What it does: per-machine install to Program Files; a Start-menu folder (the kiosk, a windowed
; kiosk for technicians, the health check); optional autostart in kiosk mode for every user at
; log-on (HKLM Run); upgrade in place (a stable AppId: a newer installer replaces the program and
; keeps the settings chosen last time); uninstall that never touches the shop's data, which lives
; in each user's %LOCALAPPDATA%\village-kiosk (database, backups, images).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\village-kiosk"
#endif
#define AppName "Village Kiosk"
#define AppExe "village-kiosk.exe"
#define CliExe "kiosk-cli.exe"

[Setup]
; Never change this id: it is how a newer installer finds and upgrades an installed kiosk.
AppId={{6E1C7B52-3F0A-4C8E-9D2B-5A7F14C3E890}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Village Kiosk
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
UsePreviousTasks=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=village-kiosk-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An upgrade closes a running kiosk first (orders are already on disk) and does not reopen it
; as the installing administrator; [Run] below reopens it as the shop's user.
CloseApplications=force
RestartApplications=no
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
ShowLanguageDialog=auto

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Simplified Chinese when this Inno Setup carries the translation (recent versions do).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[CustomMessages]
en.AutostartTask=Open the kiosk full screen when anyone logs on (kiosk mode)
en.DesktopTask=Create a desktop shortcut
en.Extra=Extra:
en.WindowedName=Village Kiosk (window, for technicians)
en.DoctorName=Village Kiosk health check (doctor)
en.OpenNow=Open Village Kiosk now
en.DataKept=Village Kiosk was removed. The shop's orders, settings and backups were kept in each user's data folder (%LOCALAPPDATA%\village-kiosk). Installing Village Kiosk again picks them up; delete that folder by hand only after a backup.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
zh.AutostartTask=登录后自动全屏打开村站（自助终端模式）
zh.DesktopTask=在桌面创建快捷方式
zh.Extra=其他：
zh.WindowedName=村站（窗口模式，技术员用）
zh.DoctorName=村站健康检查（doctor）
zh.OpenNow=现在打开村站
zh.DataKept=村站程序已卸载。订单、设置和备份仍保存在每个用户的数据文件夹（%LOCALAPPDATA%\village-kiosk）中，重新安装后会继续使用。请先备份，再手动删除该文件夹。
#endif

[Tasks]
Name: "autostart"; Description: "{cm:AutostartTask}"; GroupDescription: "{cm:Extra}"
Name: "desktopicon"; Description: "{cm:DesktopTask}"; GroupDescription: "{cm:Extra}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the bundle whole: a file left from an older version (an old migration
; script, say) must not be picked up by the new one. Data is never under {app}.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "gui"
Name: "{group}\{cm:WindowedName}"; Filename: "{app}\{#AppExe}"; Parameters: "gui --windowed --lang en"
Name: "{group}\{cm:DoctorName}"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" doctor"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "gui"; Tasks: desktopicon

[Registry]
; Kiosk mode at log-on for every user of this PC.
Root: HKLM; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "VillageKiosk"; ValueData: """{app}\{#AppExe}"" gui"; Tasks: autostart; Flags: uninsdeletevalue
; Unticking the task on an upgrade turns autostart off again.
Root: HKLM; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: none; ValueName: "VillageKiosk"; Flags: deletevalue; Check: not WizardIsTaskSelected('autostart')

[Run]
; As the logged-on user, not the administrator: the data folder is per user.
Filename: "{app}\{#AppExe}"; Parameters: "gui"; Description: "{cm:OpenNow}"; Flags: nowait postinstall skipifsilent runasoriginaluser

[UninstallDelete]
; Nothing beyond what was installed: %LOCALAPPDATA%\village-kiosk (the data) stays.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(CustomMessage('DataKept'), mbInformation, MB_OK);
end;
