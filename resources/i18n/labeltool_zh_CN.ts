<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../labeltool/gui/review/overlay.py" line="35"/>
        <source>false alarm?</source>
        <translation>误报？</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/overlay.py" line="37"/>
        <source>other class</source>
        <translation>类别不同</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="118"/>
        <source>&amp;Open folder…</source>
        <translation>打开文件夹(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="119"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="120"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="121"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="122"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="123"/>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="124"/>
        <source>D&amp;uplicate</source>
        <translation>创建副本(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="125"/>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="126"/>
        <source>Select &amp;all</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="127"/>
        <source>Change &amp;label…</source>
        <translation>修改标签(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="128"/>
        <source>Edit &amp;transcription…</source>
        <translation>编辑转写文本(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="129"/>
        <source>&amp;Hide selected shapes</source>
        <translation>隐藏选中的形状(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="130"/>
        <source>&amp;Show all shapes</source>
        <translation>显示全部形状(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="134"/>
        <source>&amp;Difficult</source>
        <translation>困难(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="135"/>
        <source>&amp;Truncated</source>
        <translation>截断(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="136"/>
        <source>&amp;Occluded</source>
        <translation>遮挡(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="137"/>
        <source>&amp;Group: one object of several parts</source>
        <translation>组合(&amp;G)：多个部分为一个对象</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="138"/>
        <source>U&amp;ngroup</source>
        <translation>取消组合(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="150"/>
        <source>&amp;Select and edit</source>
        <translation>选择与编辑(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="151"/>
        <source>&amp;Box</source>
        <translation>矩形框(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="152"/>
        <source>&amp;Polygon</source>
        <translation>多边形(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="153"/>
        <source>B&amp;rush mask</source>
        <translation>画笔掩码(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="154"/>
        <source>&amp;Text region</source>
        <translation>文本区域(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="155"/>
        <source>&amp;AI mask (click to segment)</source>
        <translation>AI 掩码（点击分割）(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="157"/>
        <source>Brush smaller</source>
        <translation>画笔变小</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="158"/>
        <source>Brush larger</source>
        <translation>画笔变大</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="159"/>
        <source>&amp;GrabCut: box to mask</source>
        <translation>GrabCut：框转掩码(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="160"/>
        <source>Segment the object in the selected box (OpenCV GrabCut, no model)</source>
        <translation>分割选中框内的目标（OpenCV GrabCut，无需模型）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="161"/>
        <source>Convert to &amp;mask</source>
        <translation>转为掩码(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="162"/>
        <source>Convert mask to p&amp;olygons</source>
        <translation>掩码转多边形(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="163"/>
        <source>Copy shapes from previous &amp;image</source>
        <translation>从上一张图像复制形状(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="166"/>
        <source>&amp;Next image</source>
        <translation>下一张(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="167"/>
        <source>&amp;Previous image</source>
        <translation>上一张(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="168"/>
        <source>Mark &amp;done and next</source>
        <translation>标记完成并下一张(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="169"/>
        <source>Mark &amp;skipped and next</source>
        <translation>标记跳过并下一张(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="170"/>
        <source>Class %1: relabel the selected shapes, else toggle the image class</source>
        <translation>类别 %1：把选中的形状改为此类别；未选中形状时切换图像类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="174"/>
        <source>&amp;Fit window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="175"/>
        <source>Fit &amp;width</source>
        <translation>适应宽度(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="176"/>
        <source>&amp;Actual size (1:1)</source>
        <translation>实际大小 1:1(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="177"/>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="178"/>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="179"/>
        <source>Show &amp;predictions</source>
        <translation>显示预测结果(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="181"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="182"/>
        <source>&amp;About labeltool</source>
        <translation>关于 labeltool(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="194"/>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="210"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="212"/>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="213"/>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="215"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="218"/>
        <source>&amp;Flags</source>
        <translation>标记(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="223"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="226"/>
        <source>&amp;Image</source>
        <translation>图像(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="228"/>
        <source>Image &amp;classes</source>
        <translation>图像类别(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="229"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="232"/>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="233"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="236"/>
        <source>T&amp;rain</source>
        <translation>训练(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/actions.py" line="237"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
</context>
<context>
    <name>AiMask</name>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="66"/>
        <source>AI mask &amp;settings…</source>
        <translation>AI 掩码设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="68"/>
        <source>Bo&amp;xes to masks (selected images)</source>
        <translation>框转掩码（所选图像）(&amp;X)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="69"/>
        <source>Segment Anything makes a mask from every box of the selected images, as predictions to review with Y / N</source>
        <translation>Segment Anything 为所选图像的每个框生成掩码，作为预测用 Y / N 审核</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="107"/>
        <source>AI mask: %1</source>
        <translation>AI 掩码：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="154"/>
        <source>AI mask: the model could not be loaded (%1). Change it in Tools &gt; AI mask settings.</source>
        <translation>AI 掩码：模型无法加载（%1）。请在“工具 &gt; AI 掩码设置”中更改。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="159"/>
        <source>AI mask: preparing this image…</source>
        <translation>AI 掩码：正在准备这张图像…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="162"/>
        <source>AI mask ready: click the object (right click or Shift+click: background), or drag a box; Enter keeps the mask, Esc clears.</source>
        <translation>AI 掩码就绪：点击目标（右键或 Shift+点击：背景），或拖出一个框；Enter 保留掩码，Esc 清除。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="166"/>
        <source>AI mask: loading %1 (seconds, once)…</source>
        <translation>AI 掩码：正在加载 %1（数秒，仅一次）…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="171"/>
        <location filename="../../labeltool/gui/ai_mask.py" line="209"/>
        <source>AI mask</source>
        <translation>AI 掩码</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="172"/>
        <source>Downloading the weights of %1 (once)…</source>
        <translation>正在下载 %1 的权重（仅一次）…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="173"/>
        <location filename="../../labeltool/gui/ai_mask.py" line="363"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="197"/>
        <source>AI mask: the download was cancelled; choosing the tool again goes on from where it stopped.</source>
        <translation>AI 掩码：下载已取消；再次选择该工具会从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="203"/>
        <source>AI mask: the model could not be loaded.</source>
        <translation>AI 掩码：模型无法加载。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="204"/>
        <source>The AI mask model could not be loaded: %1</source>
        <translation>AI 掩码模型无法加载：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="210"/>
        <source>The weights of %1, %2, could not be downloaded (%3); this computer seems to be offline. Download %4 elsewhere and place it in the folder %5, or choose the file if you have it.</source>
        <translation>%1 的权重文件 %2 无法下载（%3）；这台电脑似乎处于离线状态。请在别处下载 %4 并放入文件夹 %5，或者如果已有该文件，直接选择它。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="216"/>
        <source>Choose weights file…</source>
        <translation>选择权重文件…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="220"/>
        <source>AI mask: no weights for %1.</source>
        <translation>AI 掩码：没有 %1 的权重。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="222"/>
        <source>The model&apos;s weights file</source>
        <translation>模型的权重文件</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="224"/>
        <source>Weights files (*.pth *.pt);;All files (*)</source>
        <translation>权重文件 (*.pth *.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="243"/>
        <source>AI mask: this image cannot be prepared: %1</source>
        <translation>AI 掩码：这张图像无法准备：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="270"/>
        <source>AI mask: the mask is kept as soon as this image is prepared…</source>
        <translation>AI 掩码：这张图像准备好后即保留掩码…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="289"/>
        <source>AI mask: the mask is empty; click on the object.</source>
        <translation>AI 掩码：掩码为空；请点击目标。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="292"/>
        <source>AI mask: the %1 smallest piece(s) of the mask were left out of the polygons; keep it as a mask (Tools &gt; AI mask settings) to have them all.</source>
        <translation>AI 掩码：掩码中最小的 %1 块未转为多边形；若要全部保留，请保留为掩码（工具 &gt; AI 掩码设置）。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="318"/>
        <source>AI mask %1</source>
        <translation>AI 掩码 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="353"/>
        <source>This project is open read-only: changes are not saved.</source>
        <translation>此项目以只读方式打开：更改不会保存。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/ai_mask.py" line="358"/>
        <source>No boxes on the %n selected image(s).</source>
        <translation>
            <numerusform>所选的 %n 张图像上没有框。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="362"/>
        <source>Making masks from boxes with %1…</source>
        <translation>正在用 %1 由框生成掩码…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="364"/>
        <source>Boxes to masks</source>
        <translation>框转掩码</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="397"/>
        <source>Boxes to masks: %1 mask(s) on %2 image(s), to review with Y / N.</source>
        <translation>框转掩码：%2 张图像上生成 %1 个掩码，请用 Y / N 审核。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="400"/>
        <source>%1 box(es) gave an empty mask.</source>
        <translation>%1 个框得到空掩码。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="402"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask.py" line="404"/>
        <source>Skipped: %1</source>
        <translation>已跳过：%1</translation>
    </message>
</context>
<context>
    <name>AiMaskSettingsDialog</name>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="22"/>
        <source>MobileSAM (TinyViT encoder, fast on a CPU)</source>
        <translation>MobileSAM（TinyViT 编码器，CPU 上较快）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="24"/>
        <source>Segment Anything ViT-B (Meta; about five times slower)</source>
        <translation>Segment Anything ViT-B（Meta；约慢五倍）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="33"/>
        <source>AI mask settings</source>
        <translation>AI 掩码设置</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="38"/>
        <source>the official file, downloaded on first use</source>
        <translation>官方文件，首次使用时下载</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="39"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="47"/>
        <source>a mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="47"/>
        <source>polygons</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="52"/>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="53"/>
        <source>How far a polygon may stray from the mask&apos;s outline to have fewer points (0: every step of the outline).</source>
        <translation>多边形可偏离掩码轮廓多远以减少顶点（0：保留轮廓的每一步）。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="62"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="63"/>
        <source>Weights file</source>
        <translation>权重文件</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="64"/>
        <source>Enter keeps</source>
        <translation>Enter 保留为</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="65"/>
        <source>Polygon tolerance</source>
        <translation>多边形容差</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="83"/>
        <source>Without a file of your own, %1 is downloaded on first use from %2. The masks are only as good as these weights.</source>
        <translation>若不指定自己的文件，首次使用时会从 %2 下载 %1。掩码的质量取决于这些权重。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="88"/>
        <source>The model&apos;s weights file</source>
        <translation>模型的权重文件</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="89"/>
        <source>Weights files (*.pth *.pt);;All files (*)</source>
        <translation>权重文件 (*.pth *.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/ai_mask_settings.py" line="109"/>
        <source>The weights file %1 does not exist.</source>
        <translation>权重文件 %1 不存在。</translation>
    </message>
</context>
<context>
    <name>Editor</name>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="70"/>
        <source>This project is open read-only: changes are not saved.</source>
        <translation>此项目以只读方式打开：修改不会保存。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="166"/>
        <source>Add %1</source>
        <translation>添加 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="183"/>
        <source>Edit %1</source>
        <translation>编辑 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="187"/>
        <source>Edit shapes</source>
        <translation>编辑形状</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="197"/>
        <source>Delete %1</source>
        <translation>删除 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="198"/>
        <source>Delete shapes</source>
        <translation>删除形状</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="239"/>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="242"/>
        <source>Duplicate</source>
        <translation>创建副本</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="249"/>
        <source>Copy from previous image</source>
        <translation>从上一张图像复制</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="282"/>
        <source>Image class %1</source>
        <translation>图像类别 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="284"/>
        <source>Remove image class %1</source>
        <translation>移除图像类别 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="285"/>
        <source>Remove image class</source>
        <translation>移除图像类别</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/editing.py" line="308"/>
        <source>%n shape(s) now %1</source>
        <translation>
            <numerusform>%n 个形状已改为 %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="320"/>
        <source>Mark %1</source>
        <translation>标记为%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="320"/>
        <source>Unmark %1</source>
        <translation>取消%1标记</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/editing.py" line="321"/>
        <source>%n shape(s) marked %1</source>
        <translation>
            <numerusform>%n 个形状已标记为%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/editing.py" line="322"/>
        <source>%n shape(s) no longer %1</source>
        <translation>
            <numerusform>%n 个形状不再标记为%1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="332"/>
        <source>Select two or more shapes to group them.</source>
        <translation>请选择两个或更多形状再组合。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="337"/>
        <source>A group joins parts of one class; the selected shapes are %1.</source>
        <translation>组合只能连接同一类别的各部分；所选形状属于 %1。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="347"/>
        <source>Group</source>
        <translation>组合</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/editing.py" line="348"/>
        <source>%n shape(s) are one %1 now (%2)</source>
        <translation>
            <numerusform>%n 个形状现在是一个%1（%2）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="364"/>
        <source>Ungroup</source>
        <translation>取消组合</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="376"/>
        <source>Convert to mask</source>
        <translation>转为掩码</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="394"/>
        <source>Convert to polygons</source>
        <translation>转为多边形</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="413"/>
        <source>Select one box for GrabCut.</source>
        <translation>请为 GrabCut 选择一个矩形框。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="426"/>
        <source>GrabCut found no object in the box.</source>
        <translation>GrabCut 未在框内找到目标。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/editing.py" line="430"/>
        <source>GrabCut</source>
        <translation>GrabCut</translation>
    </message>
</context>
<context>
    <name>ExportOptions</name>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="77"/>
        <source>Export %1</source>
        <translation>导出 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="80"/>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="87"/>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="90"/>
        <source>A folder that does not exist yet is made; a %1 file name writes the annotations to that file and the images to images/ beside it.</source>
        <translation>尚不存在的文件夹会自动创建；填写 %1 文件名时，标注写入该文件，图像写入其旁边的 images/ 文件夹。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="92"/>
        <source>A folder that does not exist yet is made.</source>
        <translation>尚不存在的文件夹会自动创建。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="98"/>
        <source>no split</source>
        <translation>不划分</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/export_dialog.py" line="103"/>
        <source>Split all images again by this share, replacing the %n stored split(s)</source>
        <translation>
            <numerusform>按此比例重新划分所有图片，替换已保存的 %n 个划分</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/export_dialog.py" line="108"/>
        <source>%n image(s) have a split of their own (train, val or test) and are written to it; the share splits the others.</source>
        <translation>
            <numerusform>%n 张图片已有自己的划分（训练、验证或测试），按其划分写出；比例只划分其余图片。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="112"/>
        <source>Only images marked done</source>
        <translation>仅导出已完成的图像</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/export_dialog.py" line="113"/>
        <source>Also export the %n image(s) never labelled, as images without objects</source>
        <translation>
            <numerusform>同时导出 %n 张从未标注的图像（作为没有目标的图像）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="117"/>
        <source>Images nobody labelled may well show objects; a model trained on them learns to miss those.</source>
        <translation>未标注的图像里很可能有目标；用它们训练的模型会学会漏掉这些目标。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="121"/>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="123"/>
        <source>Train share (rest is val)</source>
        <translation>训练集比例（其余为验证集）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="134"/>
        <source>Export to folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="140"/>
        <source>Export to file</source>
        <translation>导出到文件</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="153"/>
        <source>a folder or a file name</source>
        <translation>文件夹或文件名</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/export_dialog.py" line="244"/>
        <source>%1/ (%2 files)</source>
        <translation>%1/（%2 个文件）</translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="28"/>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="35"/>
        <source>Wheel</source>
        <translation>滚轮</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="35"/>
        <source>Zoom at the cursor</source>
        <translation>以光标为中心缩放</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="36"/>
        <source>Middle drag, Space + drag</source>
        <translation>中键拖动、空格+拖动</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="36"/>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="37"/>
        <source>Click, Ctrl+click</source>
        <translation>单击、Ctrl+单击</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="37"/>
        <source>Select a shape, add to the selection</source>
        <translation>选择形状、加入选择</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="38"/>
        <source>Drag a shape / a handle</source>
        <translation>拖动形状 / 控制点</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="38"/>
        <source>Move it / resize a box, move a vertex</source>
        <translation>移动它 / 调整框大小、移动顶点</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="39"/>
        <source>Arrow keys (Shift: 10 px)</source>
        <translation>方向键（Shift：10 像素）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="39"/>
        <source>Nudge the selected shapes by 1 px</source>
        <translation>将选中的形状微移 1 像素</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="40"/>
        <source>Double-click an edge</source>
        <translation>双击边</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="40"/>
        <source>Insert a vertex into the selected polygon</source>
        <translation>在选中的多边形上插入顶点</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="41"/>
        <source>Shift+click a vertex</source>
        <translation>Shift+单击顶点</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="41"/>
        <source>Delete that vertex</source>
        <translation>删除该顶点</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="42"/>
        <source>Enter, double-click</source>
        <translation>回车、双击</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="42"/>
        <source>Close the polygon being drawn</source>
        <translation>闭合正在绘制的多边形</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="43"/>
        <source>Backspace</source>
        <translation>退格键</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="43"/>
        <source>Remove the last point of the polygon being drawn</source>
        <translation>删除正在绘制的多边形的最后一个点</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="44"/>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="44"/>
        <source>Cancel the shape being drawn</source>
        <translation>取消正在绘制的形状</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="45"/>
        <source>Right drag, Shift+drag (brush)</source>
        <translation>右键拖动、Shift+拖动（画笔）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="45"/>
        <source>Erase</source>
        <translation>擦除</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="48"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/help_dialog.py" line="48"/>
        <source>Does</source>
        <translation>作用</translation>
    </message>
</context>
<context>
    <name>IOMenus</name>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="54"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="74"/>
        <source>Open a writable project first.</source>
        <translation>请先打开一个可写的项目。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="77"/>
        <source>Import %1 from folder</source>
        <translation>从文件夹导入 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="45"/>
        <source>Dataset (find the format)…</source>
        <translation>数据集（自动识别格式）…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="78"/>
        <source>Import a dataset from folder</source>
        <translation>从文件夹导入数据集</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="100"/>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="111"/>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/io_menu.py" line="132"/>
        <source>%n image(s) imported: %1 new to the project, %2 matched to images already in it, %3 copied in, %4 in place.</source>
        <translation>
            <numerusform>已导入 %n 张图片：%1 张为项目新增，%2 张与项目中已有图片匹配，%3 张复制进项目，%4 张原地使用。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/io_menu.py" line="136"/>
        <source>%n shape(s) added; %1 already there, not added again.</source>
        <translation>
            <numerusform>已添加 %n 个形状；%1 个已存在，未重复添加。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="139"/>
        <source>Splits kept: %1</source>
        <translation>保留的划分：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="141"/>
        <source>Lost: %1</source>
        <translation>丢失：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="142"/>
        <source>Nothing lost.</source>
        <translation>没有丢失任何内容。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/io_menu.py" line="144"/>
        <source>%n note(s) under Show Details.</source>
        <translation>
            <numerusform>“显示详细信息”中有 %n 条说明。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="159"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="167"/>
        <source>%1 images with %2 shapes exported to %3</source>
        <translation>已将 %1 张图像、%2 个形状导出到 %3</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="169"/>
        <source>Files written:</source>
        <translation>写入的文件：</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/io_menu.py" line="172"/>
        <source>Export finished</source>
        <translation>导出完成</translation>
    </message>
</context>
<context>
    <name>ImageListModel</name>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="106"/>
        <source>Split: %1</source>
        <translation>划分：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="110"/>
        <source>The file is missing from the folder (its labels are kept).</source>
        <translation>文件已不在文件夹中（其标注仍保留）。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="122"/>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="122"/>
        <source>val</source>
        <translation>验证</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="122"/>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="123"/>
        <source>no split</source>
        <translation>未划分</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="126"/>
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="126"/>
        <source>in progress</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="127"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="127"/>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
</context>
<context>
    <name>ImageListWidget</name>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="169"/>
        <source>Filter by name…</source>
        <translation>按名称筛选…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="207"/>
        <source>All images</source>
        <translation>全部图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="208"/>
        <source>Unlabelled</source>
        <translation>未标注</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="209"/>
        <source>Has predictions</source>
        <translation>有预测结果</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="211"/>
        <source>Split: %1</source>
        <translation>划分：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/image_list.py" line="214"/>
        <source>Has class: %1</source>
        <translation>含类别：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/image_list.py" line="229"/>
        <source>Set split of %n image(s)</source>
        <translation>
            <numerusform>设置 %n 张图片的划分</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportPreview</name>
    <message>
        <location filename="../../labeltool/gui/import_dialog.py" line="68"/>
        <source>Import %1</source>
        <translation>导入 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/import_dialog.py" line="69"/>
        <source>Found in %1:</source>
        <translation>在 %1 中找到：</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/import_dialog.py" line="70"/>
        <source>Format: %1</source>
        <translation>格式：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/import_dialog.py" line="72"/>
        <source>Layout: %1</source>
        <translation>布局：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/import_dialog.py" line="74"/>
        <source>%n annotation file(s)</source>
        <translation>
            <numerusform>%n 个标注文件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../labeltool/gui/import_dialog.py" line="75"/>
        <source>%n image(s) with %1 shapes</source>
        <translation>
            <numerusform>%n 张图片，共 %1 个形状</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/import_dialog.py" line="78"/>
        <source>in no split %1</source>
        <translation>未划分 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/import_dialog.py" line="80"/>
        <source>Splits (kept per image): %1</source>
        <translation>划分（逐张保留）：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/import_dialog.py" line="82"/>
        <source>Also found %1 files, not read: choose that format under File &gt; Import to read them.</source>
        <translation>还找到了 %1 文件，未读取：要读取它们，请在 文件 &gt; 导入 中选择该格式。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/import_dialog.py" line="85"/>
        <source>Cannot come in: %1</source>
        <translation>无法导入：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/import_dialog.py" line="90"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
</context>
<context>
    <name>InstanceOptionsRow</name>
    <message>
        <location filename="../../labeltool/gui/review/instance_options.py" line="70"/>
        <source>polygons</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/instance_options.py" line="71"/>
        <source>masks</source>
        <translation>掩码</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/instance_options.py" line="72"/>
        <source>How pre-labelling writes each object the instance model finds: a polygon around it (points you can move), or a mask of its pixels</source>
        <translation>预标注如何写入实例模型找到的每个目标：围绕它的多边形（可以移动各点），或其像素的掩码</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/instance_options.py" line="79"/>
        <source>How far a polygon may stray from the model&apos;s mask to keep fewer points (0: a point at every pixel step)</source>
        <translation>多边形为减少点数可偏离模型掩码的距离（0：每个像素台阶一个点）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/instance_options.py" line="83"/>
        <source>Instances as:</source>
        <translation>实例写为：</translation>
    </message>
</context>
<context>
    <name>LabelPanel</name>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="30"/>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="30"/>
        <source>Shapes</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="35"/>
        <source>Use the selected class for new shapes</source>
        <translation>新形状使用选中的类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="36"/>
        <source>Skip the label dialog: every new shape gets the selected class</source>
        <translation>不弹出标签对话框：新形状都使用选中的类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="39"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="39"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="40"/>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="41"/>
        <source>Colour</source>
        <translation>颜色</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="42"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="131"/>
        <source>Add class</source>
        <translation>添加类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="131"/>
        <source>Name of the new class:</source>
        <translation>新类别的名称：</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="139"/>
        <source>Rename class</source>
        <translation>重命名类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="140"/>
        <source>New name for “%1” (an existing name merges the two):</source>
        <translation>“%1”的新名称（若与已有名称相同则合并）：</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="153"/>
        <source>Merge class</source>
        <translation>合并类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="154"/>
        <source>Move every shape of “%1” to:</source>
        <translation>将“%1”的所有形状移到：</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="163"/>
        <source>Colour of “%1”</source>
        <translation>“%1”的颜色</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="173"/>
        <source>Delete class</source>
        <translation>删除类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_panel.py" line="174"/>
        <source>Delete the class “%1” and its %2 shapes on all images? This cannot be undone.</source>
        <translation>删除类别“%1”及其在所有图像上的 %2 个形状？此操作无法撤销。</translation>
    </message>
</context>
<context>
    <name>LabelPicker</name>
    <message>
        <location filename="../../labeltool/gui/label_picker.py" line="44"/>
        <source>Text region</source>
        <translation>文本区域</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_picker.py" line="44"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_picker.py" line="48"/>
        <source>Type to search or to make a new class</source>
        <translation>输入以搜索，或新建类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_picker.py" line="51"/>
        <source>difficult (hard to read)</source>
        <translation>困难（难以辨认）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_picker.py" line="53"/>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_picker.py" line="58"/>
        <source>What the text says</source>
        <translation>文字内容</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/label_picker.py" line="59"/>
        <source>Transcription</source>
        <translation>转写文本</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="90"/>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="91"/>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="92"/>
        <source>Shapes</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="193"/>
        <source>Tool: %1</source>
        <translation>工具：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="206"/>
        <source>Open a folder of images</source>
        <translation>打开图像文件夹</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="215"/>
        <source>%1 is open already, here.</source>
        <translation>%1 已在本窗口中打开。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="221"/>
        <source>Open read-only?</source>
        <translation>以只读方式打开？</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="222"/>
        <source>Open the project read-only (view, export, no changes)?</source>
        <translation>以只读方式打开项目（可查看、导出，不能修改）？</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="300"/>
        <source>This is the last image.</source>
        <translation>已是最后一张图像。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="301"/>
        <source>This is the first image.</source>
        <translation>已是第一张图像。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="327"/>
        <source>The image cannot be read.</source>
        <translation>无法读取该图像。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="369"/>
        <source>This image cannot be shown:</source>
        <translation>无法显示此图像：</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="466"/>
        <source>(of %1)</source>
        <translation>（共 %1）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="475"/>
        <source>[read-only]</source>
        <translation>[只读]</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="496"/>
        <source>labeltool</source>
        <translation>labeltool</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="503"/>
        <source>About labeltool</source>
        <translation>关于 labeltool</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="504"/>
        <source>labeltool: label images, export datasets, fine-tune models.</source>
        <translation>labeltool：标注图像、导出数据集、微调模型。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="508"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/main_window.py" line="509"/>
        <source>The language changes the next time labeltool starts.</source>
        <translation>语言将在下次启动 labeltool 时生效。</translation>
    </message>
</context>
<context>
    <name>Metrics</name>
    <message>
        <location filename="../../engine/metric_info.py" line="75"/>
        <source>not measured: no validation images</source>
        <translation>未测量：没有验证图像</translation>
    </message>
    <message>
        <location filename="../../engine/metric_info.py" line="76"/>
        <source>not measured: the validation images hold no objects</source>
        <translation>未测量：验证图像中没有目标</translation>
    </message>
    <message>
        <location filename="../../engine/metric_info.py" line="77"/>
        <source>not measured</source>
        <translation>未测量</translation>
    </message>
</context>
<context>
    <name>OcrSettingsDialog</name>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="28"/>
        <source>Read text settings</source>
        <translation>读取文字设置</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="32"/>
        <source>How sure the detector must be, on average inside a box, that it holds text (PP-OCR: 0.5). Lower finds faint text and more noise.</source>
        <translation>检测器在框内平均要有多确定那里是文字（PP-OCR：0.5）。调低能找到浅淡的文字，也会带来更多噪声。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="37"/>
        <source>How far each found line is grown into its box (PP-OCR: 1.6). Larger boxes take in more of the letters&apos; edges.</source>
        <translation>每个找到的文本行向外扩展成框的程度（PP-OCR：1.6）。框越大，越能包住字符的边缘。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="39"/>
        <source>Turn upside-down text (direction classifier)</source>
        <translation>翻正倒置的文字（方向分类器）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="41"/>
        <source>PP-OCR&apos;s detector</source>
        <translation>PP-OCR 的检测模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="42"/>
        <source>What finds the text lines: PP-OCR, or a text detector trained on this project&apos;s text regions</source>
        <translation>由谁查找文本行：PP-OCR，或用本项目的文本区域训练的文本检测模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="43"/>
        <source>PP-OCR&apos;s recogniser</source>
        <translation>PP-OCR 的识别模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="44"/>
        <source>What reads each line: PP-OCR (or the ONNX recogniser below), or a recogniser trained on this project&apos;s transcriptions</source>
        <translation>由谁识别每一行：PP-OCR（或下方的 ONNX 识别模型），或用本项目的转写文本训练的识别模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="48"/>
        <source>PP-OCR&apos;s shipped recogniser</source>
        <translation>PP-OCR 自带的识别模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="50"/>
        <source>the one inside the recogniser file</source>
        <translation>识别模型文件内置的字符表</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="55"/>
        <source>Find lines with</source>
        <translation>查找文本行</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="56"/>
        <source>Read with</source>
        <translation>识别文字</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="57"/>
        <source>Detection box threshold</source>
        <translation>检测框阈值</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="58"/>
        <source>Unclip ratio</source>
        <translation>扩展比例（unclip ratio）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="60"/>
        <source>Recogniser (ONNX)</source>
        <translation>识别模型（ONNX）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="61"/>
        <source>A PP-OCR recogniser</source>
        <translation>PP-OCR 识别模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="61"/>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="62"/>
        <source>Character list</source>
        <translation>字符表</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="63"/>
        <source>The recogniser&apos;s character list</source>
        <translation>识别模型的字符表</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="63"/>
        <source>Text files (*.txt)</source>
        <translation>文本文件 (*.txt)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="64"/>
        <source>Another language: choose a PP-OCR recognition model exported to ONNX and, when the file holds none, its character list (one character a line, e.g. ppocr_keys_v1.txt).</source>
        <translation>其他语言：选择导出为 ONNX 的 PP-OCR 识别模型；若文件中没有字符表，再选择它的字符表（每行一个字符，例如 ppocr_keys_v1.txt）。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="114"/>
        <source>Not used: a recogniser trained here reads</source>
        <translation>未使用：由本项目训练的识别模型识别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="121"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="157"/>
        <source>A character list belongs to a recogniser: choose the recogniser&apos;s ONNX file too, or clear the character list.</source>
        <translation>字符表属于某个识别模型：请同时选择该识别模型的 ONNX 文件，或清空字符表。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="159"/>
        <source>The recogniser %1 does not exist.</source>
        <translation>识别模型 %1 不存在。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="160"/>
        <source>The character list %1 does not exist.</source>
        <translation>字符表 %1 不存在。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="165"/>
        <source>The run %1 is gone (deleted or moved): choose another, or PP-OCR.</source>
        <translation>训练记录 %1 已不存在（被删除或移动）：请另选一个，或使用 PP-OCR。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/ocr_settings.py" line="168"/>
        <source>The recogniser must be an ONNX file (.onnx): export a PaddleOCR model with paddle2onnx first.</source>
        <translation>识别模型必须是 ONNX 文件（.onnx）：请先用 paddle2onnx 导出 PaddleOCR 模型。</translation>
    </message>
</context>
<context>
    <name>PredictionOverlay</name>
    <message>
        <location filename="../../labeltool/gui/review/overlay.py" line="73"/>
        <source>missed: %1</source>
        <translation>漏检：%1</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <location filename="../../labeltool/gui/qt_strings.py" line="12"/>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/qt_strings.py" line="13"/>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>ReadTextBox</name>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="78"/>
        <source>Read text (PP-OCR)</source>
        <translation>读取文字（PP-OCR）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="41"/>
        <source>PP-OCR finds text lines and reads them, on the CPU; its text regions are reviewed like a model&apos;s predictions (Y accepts, N rejects)</source>
        <translation>PP-OCR 在 CPU 上查找并识别文本行；它给出的文本区域像模型预测一样审核（Y 接受，N 拒绝）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="44"/>
        <source>This image</source>
        <translation>当前图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="45"/>
        <source>Selected</source>
        <translation>所选图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="46"/>
        <source>Unlabelled</source>
        <translation>未标注</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="47"/>
        <source>All images with no labels that are not marked done or skipped</source>
        <translation>所有没有标注、也未标记为完成或跳过的图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="48"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="49"/>
        <source>Detection threshold, unclip ratio, direction classifier, another recogniser (language)</source>
        <translation>检测阈值、扩展比例、方向分类器、其他识别模型（语言）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="72"/>
        <source>Read text (your models)</source>
        <translation>读取文字（你的模型）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="74"/>
        <source>Read text (your detector, PP-OCR)</source>
        <translation>读取文字（你的检测模型，PP-OCR）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/read_text.py" line="76"/>
        <source>Read text (PP-OCR, your recogniser)</source>
        <translation>读取文字（PP-OCR，你的识别模型）</translation>
    </message>
</context>
<context>
    <name>ReadingReportView</name>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="177"/>
        <source>Model report: %1</source>
        <translation>模型报告：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="178"/>
        <source>Read on %1; worst read first: a line read wrong with confidence may be typed wrong. Click a line to show it.</source>
        <translation>读取范围：%1；读错最多的排在前面：模型很有把握却读错的行，可能是标注时打错了字。点击一行即可查看。</translation>
    </message>
</context>
<context>
    <name>ReadingView</name>
    <message>
        <location filename="../../labeltool/gui/training/reading_view.py" line="27"/>
        <source>Line</source>
        <translation>文本行</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/reading_view.py" line="27"/>
        <source>Read</source>
        <translation>识别结果</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/reading_view.py" line="27"/>
        <source>Truth</source>
        <translation>真实文本</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/reading_view.py" line="51"/>
        <source>character error rate {cer:.2f}, score {score:.2f}</source>
        <translation>字符错误率 {cer:.2f}，分数 {score:.2f}</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/reading_view.py" line="62"/>
        <source>Epoch {n}: {wrong} of {all} validation lines read wrong (worst first). Click one to open its image.</source>
        <translation>第 {n} 轮：{all} 行验证文本中有 {wrong} 行识别错误（最差的在前）。点击一行可打开其图像。</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="192"/>
        <source>Model report — %1</source>
        <translation>模型报告 — %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="202"/>
        <source>Predicting the validation images…</source>
        <translation>正在预测验证集图像…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="204"/>
        <source>Save as PNG…</source>
        <translation>另存为 PNG…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="206"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="247"/>
        <source>The report could not be made: %1</source>
        <translation>无法生成报告：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="251"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="258"/>
        <source>Save the report</source>
        <translation>保存报告</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="259"/>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="261"/>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
</context>
<context>
    <name>ReportJob</name>
    <message>
        <location filename="../../labeltool/gui/jobs/report.py" line="119"/>
        <source>Character error rate %1; %2 of %3 lines read exactly.</source>
        <translation>字符错误率 %1；%3 行中有 %2 行完全读对。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/jobs/report.py" line="123"/>
        <source>%1 images could not be read.</source>
        <translation>有 %1 张图像无法读取。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/jobs/report.py" line="143"/>
        <source>the %1 validation images the run was checked on while it trained (not trained on)</source>
        <translation>训练时用于验证的 %1 张图像（未参与训练）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/jobs/report.py" line="146"/>
        <source>%1 validation images (the run&apos;s split, computed again: the run did not record it)</source>
        <translation>%1 张验证图像（按该次训练的划分重新计算：训练时没有记录）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/jobs/report.py" line="149"/>
        <source>no validation images: %1 training images (optimistic)</source>
        <translation>没有验证图像：改用 %1 张训练图像（结果偏乐观）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/jobs/report.py" line="151"/>
        <source>%1 labelled images (the export does not say which were trained on)</source>
        <translation>%1 张已标注图像（导出的模型没有记录哪些图像参与了训练）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/jobs/report.py" line="154"/>
        <source>%1 of its validation images are no longer labelled and are left out</source>
        <translation>其中 %1 张验证图像已不再有标注，已排除</translation>
    </message>
</context>
<context>
    <name>ReportView</name>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="53"/>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="53"/>
        <source>Labels</source>
        <translation>标注</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="53"/>
        <source>Predicted</source>
        <translation>预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="54"/>
        <location filename="../../labeltool/gui/review/report.py" line="103"/>
        <source>AP@0.5</source>
        <translation>AP@0.5</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="54"/>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="54"/>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="55"/>
        <source>box AP@0.5</source>
        <translation>框 AP@0.5</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="60"/>
        <location filename="../../labeltool/gui/review/report.py" line="105"/>
        <source>AP@0.5 per class</source>
        <translation>各类别 AP@0.5</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="61"/>
        <source>Precision / recall</source>
        <translation>精确率 / 召回率</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="62"/>
        <source>Confusion (rows: labels, columns: model)</source>
        <translation>混淆矩阵（行：标注，列：模型）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="78"/>
        <source>Model report: %1</source>
        <translation>模型报告：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="79"/>
        <source>Evaluated on %1, score threshold %2.</source>
        <translation>评估数据：%1，分数阈值 %2。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="103"/>
        <source>mask AP@0.5</source>
        <translation>掩码 AP@0.5</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="105"/>
        <source>mask AP@0.5 per class</source>
        <translation>各类别掩码 AP@0.5</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="132"/>
        <source>recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/report.py" line="133"/>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
</context>
<context>
    <name>Rereader</name>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="49"/>
        <source>Re-read text</source>
        <translation>重新识别文字</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="52"/>
        <source>Fill or replace the transcriptions of the selected text regions from the recogniser</source>
        <translation>用识别模型填写或替换所选文本区域的转写</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="66"/>
        <source>Still re-reading the text regions asked for before.</source>
        <translation>仍在重新识别之前选中的文本区域。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="69"/>
        <source>Select one or more text regions to re-read (drawn or accepted; Ctrl+click adds).</source>
        <translation>请选择一个或多个要重新识别的文本区域（手绘或已接受的；Ctrl+单击可加选）。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="79"/>
        <source>Re-reading %1 text region(s)…</source>
        <translation>正在重新识别 %1 个文本区域…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="102"/>
        <source>Re-read %1</source>
        <translation>重新识别 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="103"/>
        <source>Re-read %1 text region(s)</source>
        <translation>重新识别 %1 个文本区域</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="104"/>
        <source>Re-read: %1 transcription(s) changed.</source>
        <translation>重新识别：%1 个转写已更改。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="106"/>
        <source>%1 region(s) read as nothing: kept as they were.</source>
        <translation>%1 个区域未识别出文字：保持原样。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/reread.py" line="111"/>
        <source>Re-reading failed: %1</source>
        <translation>重新识别失败：%1</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="62"/>
        <source>Accept prediction</source>
        <translation>接受预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="63"/>
        <source>Reject prediction</source>
        <translation>拒绝预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="64"/>
        <source>Next prediction</source>
        <translation>下一个预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="65"/>
        <source>Previous prediction</source>
        <translation>上一个预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="66"/>
        <source>Accept all shown predictions</source>
        <translation>接受所有显示的预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="88"/>
        <source>&amp;Review predictions</source>
        <translation>审核预测(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="91"/>
        <source>Pre-label this image</source>
        <translation>预标注当前图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="92"/>
        <source>Pre-label all unlabelled images</source>
        <translation>预标注所有未标注图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="96"/>
        <source>Model report…</source>
        <translation>模型报告…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="97"/>
        <source>Export model…</source>
        <translation>导出模型…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="93"/>
        <source>Read the text of this image</source>
        <translation>读取当前图像的文字</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/wiring.py" line="94"/>
        <source>Read the text of all unlabelled images</source>
        <translation>读取所有未标注图像的文字</translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="106"/>
        <location filename="../../labeltool/gui/review/panel.py" line="179"/>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_choice.py" line="36"/>
        <source>The model that predicts: a training run of this project (the active run is chosen), or an exported model folder</source>
        <translation>用于预测的模型：本项目的某次训练（默认选中当前训练），或已导出的模型文件夹</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_choice.py" line="39"/>
        <source>Other…</source>
        <translation>其他…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_choice.py" line="40"/>
        <source>Predict with a run or exported model kept elsewhere</source>
        <translation>使用存放在其他位置的训练或导出模型进行预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="123"/>
        <source>This image</source>
        <translation>当前图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="124"/>
        <source>Selected</source>
        <translation>所选图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="125"/>
        <source>Unlabelled</source>
        <translation>未标注</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="126"/>
        <source>All images with no labels that are not marked done or skipped</source>
        <translation>所有没有标注、也未标记为完成或跳过的图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="144"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="127"/>
        <source>Pre-label with the model</source>
        <translation>用模型预标注</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="158"/>
        <source>Review predictions on the canvas</source>
        <translation>在画布上审核预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="159"/>
        <source>Compare with labels</source>
        <translation>与标注对比</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="161"/>
        <source>Where the image is labelled: green found, red false alarm, purple other class, orange missed (IoU ≥ 0.5, same class)</source>
        <translation>在已标注的图像上：绿色为检出，红色为误报，紫色为类别不同，橙色为漏检（IoU ≥ 0.5，类别相同）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="171"/>
        <source>Accept (Y)</source>
        <translation>接受 (Y)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="172"/>
        <source>Reject (N)</source>
        <translation>拒绝 (N)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="173"/>
        <source>Next (Tab)</source>
        <translation>下一个 (Tab)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="174"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="175"/>
        <source>Accept and select it to move its corners or change its class</source>
        <translation>接受并选中，以便调整角点或修改类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="176"/>
        <source>Accept all shown</source>
        <translation>全部接受</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="177"/>
        <source>Accept every prediction at or above the threshold and drop the ones below it</source>
        <translation>接受所有不低于阈值的预测，丢弃低于阈值的预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="184"/>
        <source>Score ≥</source>
        <translation>分数 ≥</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_tools.py" line="39"/>
        <source>Model report…</source>
        <translation>模型报告…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_tools.py" line="40"/>
        <source>Export model…</source>
        <translation>导出模型…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_choice.py" line="90"/>
        <source>A run folder or an exported model folder</source>
        <translation>训练文件夹或导出的模型文件夹</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="312"/>
        <source>Open a project you can write to: predictions are stored in it.</source>
        <translation>请打开一个可写入的项目：预测结果将保存在其中。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="294"/>
        <source>No model yet: train one (Train &gt; Train a model…) or choose a run or exported model (Other… in the Review panel).</source>
        <translation>还没有模型：请训练一个（训练 &gt; 训练模型…），或选择一次训练运行或导出的模型（审核面板中的“其他…”）。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="386"/>
        <source>Predicted %1 image(s) with %2.</source>
        <translation>已用 %2 预测 %1 张图像。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="322"/>
        <source>No images to predict.</source>
        <translation>没有需要预测的图像。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="372"/>
        <source>Skipped an unreadable image: %1</source>
        <translation>已跳过无法读取的图像：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="340"/>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="348"/>
        <source>Cancelling after the image in progress…</source>
        <translation>当前图像完成后取消…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="375"/>
        <source>Prediction failed: %1</source>
        <translation>预测失败：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="390"/>
        <source>Cancelled: %1 image(s) predicted.</source>
        <translation>已取消：已预测 %1 张图像。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="409"/>
        <source>The model found nothing on them.</source>
        <translation>模型在这些图像上什么也没有找到。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="413"/>
        <source>%1 predictions, best score %2, all below the %3 threshold: lower the Score slider to see them.</source>
        <translation>共 %1 个预测，最高分 %2，全部低于阈值 %3：请调低“分数”滑块以显示它们。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="416"/>
        <source>%1 predictions, best score %2.</source>
        <translation>共 %1 个预测，最高分 %2。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_tools.py" line="70"/>
        <source>%1 is no longer in the project.</source>
        <translation>%1 已不在项目中。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_tools.py" line="80"/>
        <source>Export the model into…</source>
        <translation>将模型导出到…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_tools.py" line="91"/>
        <source>This model is already an export.</source>
        <translation>该模型已经是导出的模型。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_tools.py" line="92"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/model_tools.py" line="97"/>
        <source>Exporting %1…</source>
        <translation>正在导出 %1…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="472"/>
        <source>%1 of %2 predictions shown</source>
        <translation>显示 %1 / %2 个预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="476"/>
        <source>all below the threshold (best %1): lower the Score slider to see them</source>
        <translation>全部低于阈值（最高 %1）：调低“分数”滑块即可显示</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="480"/>
        <source>%1 found, %2 false alarms, %3 missed</source>
        <translation>检出 %1，误报 %2，漏检 %3</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="309"/>
        <source>Pre-labelling or reading text is already running.</source>
        <translation>预标注或读取文字已在进行中。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="339"/>
        <source>Loading PP-OCR (seconds, once)…</source>
        <translation>正在加载 PP-OCR（仅首次，需数秒）…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="375"/>
        <source>Reading text failed: %1</source>
        <translation>读取文字失败：%1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="388"/>
        <source>Read the text of %1 image(s).</source>
        <translation>已读取 %1 张图像的文字。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="393"/>
        <source>Skipped %1 unreadable image(s): %2</source>
        <translation>跳过了 %1 张无法读取的图像：%2</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/panel.py" line="409"/>
        <source>No text found on them.</source>
        <translation>其中没有找到文字。</translation>
    </message>
</context>
<context>
    <name>ReviewQueue</name>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="60"/>
        <source>Review queue</source>
        <translation>审核队列</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="65"/>
        <source>Likely mistakes, then unsure</source>
        <translation>先可能的错误，再不确定的</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="66"/>
        <source>Likely labelling mistakes</source>
        <translation>可能的标注错误</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="67"/>
        <source>Most unsure (label next)</source>
        <translation>最不确定（优先标注）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="71"/>
        <source>Build</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="72"/>
        <source>Rank the images that have predictions</source>
        <translation>对有预测结果的图像排序</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="120"/>
        <source>No predictions yet: pre-label some images first.</source>
        <translation>还没有预测结果：请先预标注一些图像。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="129"/>
        <source>unlabelled, model unsure (%1)</source>
        <translation>未标注，模型不确定（%1）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="145"/>
        <source>Not labelled yet. How unsure the model is here: each prediction adds up to 1, the most at a score near 0.5 (a coin flip), nothing at 0 or 1. The least sure images are the most worth labelling next.</source>
        <translation>尚未标注。模型在这里有多不确定：每个预测最多加 1，分数接近 0.5（像抛硬币）时最多，为 0 或 1 时不加。最不确定的图像最值得接下来标注。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="148"/>
        <source>Labelled. Where the model disagrees with the labels: other class = it sees another class there (a labelling mistake?); missed = a label it did not find; unlabelled? = it found something no label covers.</source>
        <translation>已标注。模型与标注不一致之处：其他类别 = 模型认为那里是另一个类别（标注错误？）；漏检 = 模型没有找到的标注；未标注？ = 模型找到了没有标注覆盖的目标。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="132"/>
        <source>%1 other class</source>
        <translation>%1 类别不同</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="134"/>
        <source>%1 missed</source>
        <translation>%1 漏检</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="137"/>
        <source>%1 unlabelled?</source>
        <translation>%1 未标注？</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="138"/>
        <source>agrees</source>
        <translation>一致</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="126"/>
        <source>text: %1 line(s), least sure %2</source>
        <translation>文字：%1 行，最不确定 %2</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/queue_view.py" line="142"/>
        <source>Text PP-OCR read and nobody has reviewed yet. Each line adds how unsure its reading is (1 minus its score): the images with the most likely misread lines come first.</source>
        <translation>PP-OCR 读出、尚无人审核的文字。每行计入其识别的不确定度（1 减去得分）：最可能有误读行的图像排在最前。</translation>
    </message>
</context>
<context>
    <name>ReviewSession</name>
    <message>
        <location filename="../../labeltool/gui/review/session.py" line="164"/>
        <source>No predictions shown on this image.</source>
        <translation>此图像上没有显示的预测。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/session.py" line="187"/>
        <location filename="../../labeltool/gui/review/session.py" line="214"/>
        <source>Accept %1</source>
        <translation>接受 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/session.py" line="223"/>
        <location filename="../../labeltool/gui/review/session.py" line="224"/>
        <location filename="../../labeltool/gui/review/session.py" line="250"/>
        <source>Reject %1</source>
        <translation>拒绝 %1</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/review/session.py" line="251"/>
        <source>Accept %1 predictions</source>
        <translation>接受 %1 个预测</translation>
    </message>
</context>
<context>
    <name>RunsBrowser</name>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="68"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="68"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="68"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="68"/>
        <source>Best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="68"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="69"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="81"/>
        <source>Show curves</source>
        <translation>显示曲线</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="82"/>
        <source>Resume</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="83"/>
        <source>Use for review</source>
        <translation>用于审核</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="84"/>
        <source>Make this run the model that reviews and pre-labels images</source>
        <translation>将此次训练的模型用于审核和预标注图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="85"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="86"/>
        <source>Delete the selected runs and their checkpoints (select several with Ctrl or Shift)</source>
        <translation>删除所选运行及其检查点（按住 Ctrl 或 Shift 可多选）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="213"/>
        <source>Delete the run {name} with its checkpoints ({size})? This cannot be undone; your labels are not touched.</source>
        <translation>删除运行 {name} 及其检查点（{size}）？此操作无法撤销；您的标注不受影响。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="216"/>
        <source>Delete {n} runs with their checkpoints ({size})? This cannot be undone; your labels are not touched.</source>
        <translation>删除 {n} 个运行及其检查点（{size}）？此操作无法撤销；您的标注不受影响。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="218"/>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="229"/>
        <source>Delete runs</source>
        <translation>删除运行</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/runs_browser.py" line="230"/>
        <source>Could not delete {name}: {error}</source>
        <translation>无法删除 {name}：{error}</translation>
    </message>
</context>
<context>
    <name>ShapeList</name>
    <message>
        <location filename="../../labeltool/gui/shape_list.py" line="50"/>
        <source>box</source>
        <translation>矩形框</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_list.py" line="50"/>
        <source>polygon</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_list.py" line="50"/>
        <source>mask</source>
        <translation>掩码</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_list.py" line="51"/>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_list.py" line="51"/>
        <source>image class</source>
        <translation>图像类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_list.py" line="62"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_list.py" line="67"/>
        <source>[prediction%1]</source>
        <translation>[预测%1]</translation>
    </message>
</context>
<context>
    <name>ShapeWords</name>
    <message>
        <location filename="../../labeltool/gui/shape_words.py" line="11"/>
        <source>difficult</source>
        <translation>困难</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_words.py" line="12"/>
        <source>truncated</source>
        <translation>截断</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_words.py" line="13"/>
        <source>occluded</source>
        <translation>遮挡</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_words.py" line="14"/>
        <source>D</source>
        <translation>难</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_words.py" line="15"/>
        <source>T</source>
        <translation>截</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_words.py" line="16"/>
        <source>O</source>
        <translation>遮</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/shape_words.py" line="42"/>
        <source>group %1</source>
        <translation>组 %1</translation>
    </message>
</context>
<context>
    <name>Splits</name>
    <message>
        <location filename="../../engine/splits.py" line="59"/>
        <source>{with_shapes} with shapes, {empty} marked empty</source>
        <translation>{with_shapes} 张有形状，{empty} 张标记为空</translation>
    </message>
    <message>
        <location filename="../../engine/splits.py" line="60"/>
        <source>{with_shapes} with shapes</source>
        <translation>{with_shapes} 张有形状</translation>
    </message>
    <message>
        <location filename="../../engine/splits.py" line="63"/>
        <source>No image is kept for validation: the run will show no metrics and keep no best model.</source>
        <translation>没有保留任何验证图像：此次运行将不显示指标，也不会保存最佳模型。</translation>
    </message>
    <message>
        <location filename="../../engine/splits.py" line="65"/>
        <source>Validation would see fewer than {min} objects of {names}: use {percent} % for validation.</source>
        <translation>验证集中 {names} 的目标将少于 {min} 个：请将 {percent} % 用于验证。</translation>
    </message>
    <message>
        <location filename="../../engine/splits.py" line="67"/>
        <source>Validation would see fewer than {min} objects of {names} even at {max_percent} %: label more images of them.</source>
        <translation>即使用 {max_percent} % 验证，{names} 的验证目标仍少于 {min} 个：请为它们标注更多图像。</translation>
    </message>
    <message>
        <location filename="../../engine/splits.py" line="70"/>
        <source>The project&apos;s own validation images hold fewer than {min} objects of {names}: put more images of them in val, or let training split the images itself.</source>
        <translation>项目自带的验证图像中 {names} 的目标少于 {min} 个：请把更多这类图像放入 val，或让训练自行划分图像。</translation>
    </message>
    <message>
        <location filename="../../engine/splits.py" line="76"/>
        <source>The project&apos;s own split: validation on its {val} val images, {test} test images evaluated once at the end.</source>
        <translation>使用项目自带的划分：在其 {val} 张 val 图像上验证，{test} 张 test 图像在最后评估一次。</translation>
    </message>
    <message>
        <location filename="../../engine/splits.py" line="78"/>
        <source>The project&apos;s own split has no val images: {percent} % of its training images validate, {test} test images are evaluated once at the end.</source>
        <translation>项目自带的划分没有 val 图像：其训练图像中的 {percent} % 用于验证，{test} 张 test 图像在最后评估一次。</translation>
    </message>
    <message>
        <location filename="../../engine/splits.py" line="81"/>
        <source>A split made by training: {percent} % of the labelled images validate.</source>
        <translation>由训练进行划分：已标注图像中的 {percent} % 用于验证。</translation>
    </message>
</context>
<context>
    <name>TagBar</name>
    <message>
        <location filename="../../labeltool/gui/tag_bar.py" line="19"/>
        <source>Image classes:</source>
        <translation>图像类别：</translation>
    </message>
</context>
<context>
    <name>TrainDialog</name>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="102"/>
        <source>Train a model</source>
        <translation>训练模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="131"/>
        <source>Detect objects (boxes)</source>
        <translation>目标检测（矩形框）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="132"/>
        <source>Outline each object (instance masks, Mask R-CNN)</source>
        <translation>勾画每个物体（实例掩码，Mask R-CNN）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="133"/>
        <source>Segment (polygons, masks)</source>
        <translation>分割（多边形、掩码）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="134"/>
        <source>Classify images (image classes)</source>
        <translation>图像分类（图像类别）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="135"/>
        <source>Find text lines (text regions as quads)</source>
        <translation>查找文字行（四边形文本区域）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="136"/>
        <source>Read text (transcriptions of text regions)</source>
        <translation>识别文字（文本区域的转写文本）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="153"/>
        <source>Automatic ({best})</source>
        <translation>自动（{best}）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="156"/>
        <source>Start from pretrained weights (ImageNet/COCO)</source>
        <translation>从预训练权重开始（ImageNet/COCO）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="163"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="165"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="167"/>
        <source>Epochs</source>
        <translation>轮次</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="168"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="200"/>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="203"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="206"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="207"/>
        <source>Image size</source>
        <translation>图像尺寸</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="208"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="209"/>
        <source>Validation share</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="210"/>
        <source>Stop after steps</source>
        <translation>最大步数</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="211"/>
        <source>Early stop after epochs without gain</source>
        <translation>早停（无提升轮次）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="175"/>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="240"/>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="115"/>
        <source>Project check</source>
        <translation>项目检查</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="143"/>
        <source>{task} - {counts}</source>
        <translation>{task} - {counts}</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="359"/>
        <source>This model has no pretrained weights: it learns from scratch, so it needs more labels and more epochs.</source>
        <translation>这个模型没有预训练权重：它从零开始学习，因此需要更多标注和更多轮次。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="363"/>
        <source>From scratch: needs more labels and more epochs.</source>
        <translation>从头训练：需要更多标注和更多轮次。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="366"/>
        <source>Pretrained weights are on this computer.</source>
        <translation>预训练权重已在本机。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="369"/>
        <source>Pretrained weights will be downloaded when training starts (needs the internet); untick to train from scratch offline.</source>
        <translation>开始训练时将下载预训练权重（需要联网）；取消勾选可离线从头训练。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="378"/>
        <source>images</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="378"/>
        <source>objects</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="380"/>
        <source>Trains on {train} images, validates on {val} ({counts}).</source>
        <translation>在 {train} 张图像上训练，在 {val} 张上验证（{counts}）。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="383"/>
        <source>Validation {unit} per class: {list}.</source>
        <translation>每个类别的验证{unit}：{list}。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="394"/>
        <source>Use {percent} % for validation</source>
        <translation>将 {percent} % 用于验证</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/dialog.py" line="410"/>
        <source>Ready to train.</source>
        <translation>可以开始训练。</translation>
    </message>
</context>
<context>
    <name>TrainingChecks</name>
    <message>
        <location filename="../../engine/checks.py" line="32"/>
        <source>boxes, polygons, masks or text regions</source>
        <translation>框、多边形、掩码或文本区域</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="33"/>
        <location filename="../../engine/checks.py" line="34"/>
        <source>polygons or masks</source>
        <translation>多边形或掩码</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="35"/>
        <source>image classes</source>
        <translation>图像类别</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="36"/>
        <source>text regions</source>
        <translation>文本区域</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="37"/>
        <source>text regions with a transcription</source>
        <translation>带有转写文本的文本区域</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="97"/>
        <source>Nothing is labelled yet: detecting objects with boxes is the usual start.</source>
        <translation>还没有任何标注：通常先用框标注物体来训练检测器。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="99"/>
        <source>{n} images have boxes or text regions: a detector learns to find those objects.</source>
        <translation>有 {n} 张图像带有框或文本区域：检测器会学习找到这些物体。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="101"/>
        <source>{several} of {n} images with polygons or masks show several objects of one class: Mask R-CNN outlines each object apart.</source>
        <translation>在 {n} 张带有多边形或掩码的图像中，有 {several} 张包含同一类别的多个物体：Mask R-CNN 会分别勾画出每个物体。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="104"/>
        <source>The {n} images with polygons or masks show one region per class: a U-Net paints each class&apos;s pixels, faster than Mask R-CNN.</source>
        <translation>这 {n} 张带有多边形或掩码的图像每个类别只有一个区域：U-Net 逐像素标出每个类别，比 Mask R-CNN 更快。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="107"/>
        <source>{n} images have an image class: a classifier learns them.</source>
        <translation>有 {n} 张图像带有图像类别：分类器会学习这些类别。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="186"/>
        <source>The project has no images. Add images to the project folder first.</source>
        <translation>项目中没有图像。请先把图像放进项目文件夹。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="191"/>
        <source>{n} labelled image(s) are missing on disk and will be left out. Put the files back where they were, or remove those images from the project.</source>
        <translation>有 {n} 张已标注的图像在磁盘上找不到，训练时将被跳过。请把文件放回原处，或从项目中移除这些图像。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="199"/>
        <source>No image has {words} yet, but the project has {other}: choose that task, or label some images with {words} first.</source>
        <translation>还没有任何图像带有{words}，但项目中有{other}：请选择那个任务，或先给一些图像标注{words}。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="202"/>
        <source>No image has {words} yet: label some images first.</source>
        <translation>还没有任何图像带有{words}：请先标注一些图像。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="208"/>
        <source>Only {n} image has {words}: training needs at least 2 (one to learn from, one to check on).</source>
        <translation>只有 {n} 张图像带有{words}：训练至少需要 2 张（一张用于学习，一张用于验证）。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="213"/>
        <source>All labelled images are of the one class &quot;{name}&quot;: a classifier needs at least two classes.</source>
        <translation>所有已标注图像都属于同一个类别“{name}”：分类器至少需要两个类别。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="219"/>
        <source>Class(es) with only one example: {names}. The model cannot learn them and validation may not see them; label a few more, or merge them into another class.</source>
        <translation>只有一个样本的类别：{names}。模型学不会它们，验证集也可能看不到它们；请再多标注几个，或把它们合并到其他类别。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="225"/>
        <source>{n} image(s) have more than one class; training uses the first class of each.</source>
        <translation>有 {n} 张图像带有多个类别；训练时每张只使用第一个类别。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="230"/>
        <source>The validation share is 0: no image is kept aside, so there will be no metrics and no predictions to watch. Set it to 10-20%.</source>
        <translation>验证集比例为 0：没有留出图像，因此不会有指标，也看不到预测。请设为 10-20%。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="235"/>
        <source>Only {n} labelled images: training will run, but expect a weak model. Around 50 or more per class give useful results.</source>
        <translation>只有 {n} 张已标注图像：可以训练，但模型会比较弱。每个类别约 50 张或更多才会有实用的效果。</translation>
    </message>
    <message>
        <location filename="../../engine/checks.py" line="240"/>
        <source>{n} image(s) without {words} are not used for training.</source>
        <translation>有 {n} 张图像没有{words}，不会用于训练。</translation>
    </message>
    <message>
        <location filename="../../engine/text/regions.py" line="75"/>
        <source>{transcribed} of {regions} text regions have a transcription: a recogniser learns to read them. Train a text detector as well, to find the lines in new images.</source>
        <translation>{regions} 个文本区域中有 {transcribed} 个带有转写文本：识别器会学习读出它们。再训练一个文本检测器，才能在新图像中找到文字行。</translation>
    </message>
    <message>
        <location filename="../../engine/text/regions.py" line="78"/>
        <source>{images} images have text regions, {transcribed} of {regions} with a transcription: a text detector learns to find the lines. Type the text of most regions to train a recogniser too.</source>
        <translation>有 {images} 张图像带有文本区域，{regions} 个区域中有 {transcribed} 个带有转写文本：文本检测器会学习找到文字行。为大多数区域输入文字后，还可以训练识别器。</translation>
    </message>
</context>
<context>
    <name>TrainingController</name>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="67"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="83"/>
        <source>&amp;Train a model…</source>
        <translation>训练模型(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="85"/>
        <source>&amp;Cancel training</source>
        <translation>取消训练(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="86"/>
        <source>&amp;Resume last run</source>
        <translation>继续上次训练(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="87"/>
        <source>Show &amp;runs</source>
        <translation>显示训练记录(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="234"/>
        <source>Resuming {run}…</source>
        <translation>正在继续 {run}…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="235"/>
        <source>Starting {model}…</source>
        <translation>正在启动 {model}…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="251"/>
        <source>Stopping after this step…</source>
        <translation>本步完成后停止…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="263"/>
        <source>Cannot resume {run}: {error}</source>
        <translation>无法继续 {run}：{error}</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="273"/>
        <source>Resume</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="274"/>
        <source>The run finished its {n} epochs. Train how many more?</source>
        <translation>该训练已完成 {n} 个轮次。再训练多少轮？</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="300"/>
        <source>Choose the pretrained weights file</source>
        <translation>选择预训练权重文件</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="301"/>
        <source>Weights files (*.pth *.pt);;All files (*)</source>
        <translation>权重文件 (*.pth *.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="376"/>
        <source>A run is in progress; its curves are shown. Open past runs once it ends.</source>
        <translation>正在训练，显示的是其曲线。结束后可查看以往的训练。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="380"/>
        <source>Run {name}</source>
        <translation>训练 {name}</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="408"/>
        <source>{path} is not in the open project.</source>
        <translation>{path} 不在当前打开的项目中。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="420"/>
        <source>The model says: {label}{score}</source>
        <translation>模型预测：{label}{score}</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="444"/>
        <source>Training in progress</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/controller.py" line="445"/>
        <source>A model is training. Stop it and close? The last checkpoint is kept and the run can be resumed later.</source>
        <translation>模型正在训练。停止并关闭？最近的检查点会保留，之后可以继续训练。</translation>
    </message>
</context>
<context>
    <name>TrainingCurves</name>
    <message>
        <location filename="../../labeltool/gui/training/curves.py" line="129"/>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/curves.py" line="130"/>
        <source>score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/curves.py" line="134"/>
        <source>lr</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/curves.py" line="137"/>
        <location filename="../../labeltool/gui/training/curves.py" line="138"/>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/curves.py" line="260"/>
        <source>{label} (lower is better)</source>
        <translation>{label}（越低越好）</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="59"/>
        <source>Lower the learning rate (Train &gt; Advanced) and start again, or resume from the last checkpoint.</source>
        <translation>降低学习率（训练 &gt; 高级）后重新开始，或从最近的检查点继续训练。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="61"/>
        <source>Lower the batch size or the image size (Train &gt; Advanced), or train on the CPU.</source>
        <translation>减小批大小或图像尺寸（训练 &gt; 高级），或改用 CPU 训练。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="63"/>
        <source>Your labels are safe. Fix what the message names and start again.</source>
        <translation>你的标注是安全的。请修正消息中指出的问题后重新开始。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="257"/>
        <source>No training run yet. Press Train to start one.</source>
        <translation>还没有训练。按“训练”开始。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="144"/>
        <source>Train…</source>
        <translation>训练…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="145"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="146"/>
        <source>Resume</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="220"/>
        <source>Predictions on validation images appear here after each epoch (white dashed: your labels; colour: the model).</source>
        <translation>每轮结束后，验证集图像上的预测会显示在这里（白色虚线：你的标注；彩色：模型）。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="205"/>
        <source>Rows: true class; columns: predicted class</source>
        <translation>行：真实类别；列：预测类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="177"/>
        <source>Review with this model</source>
        <translation>用此模型审核</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="178"/>
        <source>Use this run for review and pre-label the unlabelled images</source>
        <translation>将此次运行用于审核，并预标注未标注的图像</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="179"/>
        <source>Choose weights file…</source>
        <translation>选择权重文件…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="180"/>
        <source>Train from scratch</source>
        <translation>从头训练</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="211"/>
        <source>Predictions</source>
        <translation>预测</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="212"/>
        <source>Per class</source>
        <translation>各类别</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="213"/>
        <source>Confusion</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="214"/>
        <source>Runs</source>
        <translation>训练记录</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="215"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="301"/>
        <source>, resumed at step {n}</source>
        <translation>，从第 {n} 步继续</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="303"/>
        <source>{run} on {device}: {train} training / {val} validation images{resumed}</source>
        <translation>{run} 在 {device} 上：{train} 张训练 / {val} 张验证图像{resumed}</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="323"/>
        <source>epoch {n}: {metrics}{best}</source>
        <translation>第 {n} 轮：{metrics}{best}</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="324"/>
        <source> (best so far)</source>
        <translation>（目前最佳）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="334"/>
        <source>Epoch {n}: predictions on validation images (white dashed: your labels; colour: the model). Click one to open it.</source>
        <translation>第 {n} 轮：验证集图像上的预测（白色虚线：你的标注；彩色：模型）。点击可打开图像。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="339"/>
        <source>saved best model (epoch {n})</source>
        <translation>已保存最佳模型（第 {n} 轮）</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="355"/>
        <source>Best on validation: {metric}.</source>
        <translation>验证集上的最好成绩：{metric}。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="358"/>
        <source>Training finished.</source>
        <translation>训练完成。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="361"/>
        <source> Press Resume to go on from there.</source>
        <translation> 按“继续”可从那里接着训练。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="362"/>
        <source>Training cancelled at step {n}; the last checkpoint is kept.</source>
        <translation>训练已在第 {n} 步取消；已保留最后的检查点。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="368"/>
        <source>Training stopped.</source>
        <translation>训练已停止。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="377"/>
        <source>{run}: finished after {n} epochs</source>
        <translation>{run}：{n} 轮后完成</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="378"/>
        <source>Training finished</source>
        <translation>训练完成</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="380"/>
        <source>{run}: cancelled at step {n}</source>
        <translation>{run}：已在第 {n} 步取消</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="382"/>
        <source>Training could not start</source>
        <translation>训练无法开始</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="383"/>
        <source>{run}: stopped at step {n}</source>
        <translation>{run}：已在第 {n} 步停止</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="387"/>
        <source>The pretrained weights {file} could not be downloaded ({reason}); this computer seems to be offline. If you have the file (downloaded elsewhere from {url}), press &quot;Choose weights file…&quot;, or place it in {folder} and train again. Or train from scratch: it needs more labels and more epochs.</source>
        <translation>无法下载预训练权重 {file}（{reason}）；这台电脑似乎处于离线状态。如果您有该文件（可在别处从 {url} 下载），请按“选择权重文件…”，或将其放到 {folder} 后重新训练。也可以从头训练：这需要更多标注和更多轮次。</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="406"/>
        <source>preparing…</source>
        <translation>准备中…</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="412"/>
        <source>epoch {e}/{n}  ·  step {s}/{t}</source>
        <translation>轮次 {e}/{n}  ·  步数 {s}/{t}</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="419"/>
        <source>loss {loss:.4f}   {ips:.1f} images/s   elapsed {el}   ETA {eta}</source>
        <translation>损失 {loss:.4f}   {ips:.1f} 张/秒   已用 {el}   剩余 {eta}</translation>
    </message>
    <message>
        <location filename="../../labeltool/gui/training/panel.py" line="441"/>
        <source>not measured: no validation images of this class</source>
        <translation>未测量：没有此类别的验证图像</translation>
    </message>
</context>
</TS>
